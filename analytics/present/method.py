"""The methodology page's text: every figure of the product with its formula, in the
interface language, its constants read from the code that uses them (so the page
cannot drift from the code), a worked example computed by that code, and how to read
the results (volunteers, weighting, privacy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics import i18n
from analytics.inputs import reference
from analytics.metrics import groups, scoring, stats, weighting
from analytics.metrics.engine import DEFAULT_MIN_VOTES, DEFAULT_TOP
from analytics.vocabulary import MIN_SEGMENT_PARTICIPANTS

# The worked example: one proposal's counts (n = 100 votes).
EXAMPLE = {"agree": 60, "disagree": 30, "neutral": 10, "likeIt": 12, "doable": 9,
           "noWay": 6, "impossible": 3, "platitudeAgree": 2, "platitudeDisagree": 1,
           "doNotUnderstand": 0, "noOpinion": 0, "doNotCare": 0}


@dataclass(frozen=True)
class Section:
    key: str            # anchor, stable across languages
    title: str
    body: str           # markdown with $...$ formulas


def example_figures() -> dict:
    """The worked example's figures, computed by analytics.metrics.scoring."""
    counts = {key: np.array([value]) for key, value in EXAMPLE.items()}
    scores = scoring.compute_scores(counts)
    agree = scores.agree
    return {"n": sum(EXAMPLE[k] for k in scoring.VOTE_KEYS),
            "s_agree": float(agree.score[0]), "c_agree": float(agree.confidence[0]),
            "s_disagree": float(scores.disagree.score[0]),
            "s_neutral": float(scores.neutral.score[0]),
            "top_score": float(scores.top_score.score[0]),
            "top_lower": float(scores.top_score.lower[0]),
            "controversy": float(scores.controversy.score[0]),
            "zone": str(scoring.zones(scores)[0])}


def _power(value: float) -> str:
    """1e-06 -> '10^{-6}' (LaTeX)."""
    import math

    return f"10^{{{round(math.log10(value))}}}"


def _n(value, lang: str, digits: int = 3) -> str:
    return i18n.decimal(value, lang, digits)


def sections(lang: str) -> list[Section]:
    lang = i18n.language_of(lang)
    return [section(lang) for section in (_reading, _scores, _zones, _ideas, _found,
                                          _groups, _segments, _weighting, _privacy,
                                          _sources)]


def _reading(lang: str) -> Section:
    if lang == "fr":
        return Section("reading", "Comment lire ces résultats", (
            "- **Les participants sont des volontaires**, pas un échantillon tiré au sort : "
            "qui vote dépend de qui a vu la consultation. La page Participation montre l'écart "
            "entre les participants et la population (genre, âge, région).\n"
            "- **La pondération** (bouton de la barre latérale) redonne à chaque groupe de "
            "genre, d'âge et de région son poids dans la population. Elle corrige ces écarts "
            "observés, pas ce qui ne se mesure pas (l'intérêt pour le sujet, l'engagement) : "
            "un résultat pondéré reste celui de volontaires.\n"
            f"- **Vie privée** : tout chiffre calculé sur moins de {MIN_SEGMENT_PARTICIPANTS} "
            "participants est masqué (« < 10 ») et absent des exports.\n"
            "- Les pourcentages sont des parts de **votes** sur une proposition ou une idée, "
            "pas de participants."))
    return Section("reading", "How to read these results", (
        "- **Participants are volunteers**, not a random sample: who votes depends on who saw "
        "the consultation. The Participation page shows the gap between participants and the "
        "population (gender, age, region).\n"
        "- **Weighting** (the sidebar toggle) gives each gender, age and region group its "
        "weight in the population. It corrects these observed gaps, not what is not measured "
        "(interest in the topic, engagement): a weighted result is still that of volunteers.\n"
        f"- **Privacy**: any figure computed on fewer than {MIN_SEGMENT_PARTICIPANTS} "
        "participants is hidden (\"< 10\") and left out of exports.\n"
        "- Percentages are shares of **votes** on a proposal or an idea, not of participants."))


def _scores(lang: str) -> Section:
    e = example_figures()
    sv, sq = _n(scoring.SMOOTH_VOTE, lang, 2), _n(scoring.SMOOTH_QUALIFICATION, lang, 2)
    formulas = (
        r"$s(k) = \min\left(\dfrac{\text{count}_k + \text{smooth}}{1 + n},\ 1\right)$"
        "\n\n"
        r"$c(k) = 2\sqrt{\dfrac{p'(1-p')}{n+4}}, \quad p' = \dfrac{n\,s(k) + 2}{n + 4}$"
        "\n\n"
        r"$\text{top\_score} = \text{agree} + \text{likeIt} + \text{doable} - \text{noWay}"
        r" - \text{impossible} - \text{platitude}$"
        "\n\n"
        r"$\text{controversy} = \min(\text{agree}, \text{disagree}) + "
        r"\min(\text{likeIt}, \text{noWay})$"
        "\n\n"
        r"$\text{rejection} = \text{disagree} + \text{noWay} + \text{impossible} - "
        r"\text{likeIt} - \text{doable} - \text{platitude}$")
    counts = ", ".join(f"{key} {value}" for key, value in EXAMPLE.items() if value)
    if lang == "fr":
        body = (
            "Les parts sont en pourcentage de tous les votes sur la proposition "
            "($n$ = d'accord + pas d'accord + neutre). Les scores sont ceux de Make.org "
            f"(ProposalScorer) : chaque clé a un score lissé (lissage {sv} pour les votes, "
            f"{sq} pour les qualifications) et une marge d'incertitude ; les scores "
            "s'additionnent, leurs marges se combinent en $\\sqrt{c_1^2 + c_2^2}$, et le "
            "minimum de deux scores garde la plus grande des deux marges.\n\n" + formulas
            + "\n\nLes listes sont classées par la **borne basse** (score − marge) : une "
            "proposition peu votée ne passe pas devant une proposition très votée au même "
            f"score. Controverses et rejets : propositions d'au moins {DEFAULT_MIN_VOTES} "
            f"votes, les {DEFAULT_TOP} premières (réglable).\n\n"
            f"**Exemple** ({counts}, $n$ = {e['n']}) : $s$(agree) = (60 + {sv}) / 101 = "
            f"{_n(e['s_agree'], lang)}, $c$(agree) = {_n(e['c_agree'], lang)} ; "
            f"top_score = {_n(e['top_score'], lang)}, borne basse "
            f"{_n(e['top_lower'], lang)} ; controversy = {_n(e['controversy'], lang)}.")
        return Section("scores", "Parts et scores", body)
    body = (
        "Shares are in percent of all votes on the proposal ($n$ = agree + disagree + "
        "neutral). Scores are Make.org's (ProposalScorer): each key has a smoothed score "
        f"(smoothing {sv} for votes, {sq} for qualifications) and a confidence margin; "
        "scores add up, their margins combine as $\\sqrt{c_1^2 + c_2^2}$, and the minimum "
        "of two scores keeps the larger margin.\n\n" + formulas
        + "\n\nLists are ranked by the **lower bound** (score − margin): a proposal with "
        "few votes does not pass one with many votes at the same score. Controversial and "
        f"rejected: proposals with at least {DEFAULT_MIN_VOTES} votes, the top "
        f"{DEFAULT_TOP} (adjustable).\n\n"
        f"**Example** ({counts}, $n$ = {e['n']}): $s$(agree) = (60 + {sv}) / 101 = "
        f"{_n(e['s_agree'], lang)}, $c$(agree) = {_n(e['c_agree'], lang)}; "
        f"top_score = {_n(e['top_score'], lang)}, lower bound {_n(e['top_lower'], lang)}; "
        f"controversy = {_n(e['controversy'], lang)}.")
    return Section("scores", "Shares and scores", body)


def _zones(lang: str) -> Section:
    e = example_figures()
    hi, mid, lo = (_n(v, lang, 2).replace(",", "{,}") for v in (scoring.MAJORITY, scoring.UNDECIDED,
                                             scoring.MINORITY))
    zone = i18n.word(e["zone"], lang)
    if lang == "fr":
        return Section("zones", "Zones", (
            "À partir des scores $a$ = s(d'accord), $d$ = s(pas d'accord), $u$ = s(neutre) :\n"
            f"- **Consensus** si $a \\geq {hi}$ ou ($u < {mid}$ et $d < {lo}$) ;\n"
            f"- sinon **Rejet** si $d \\geq {hi}$ ou ($u < {mid}$ et $a < {lo}$) ;\n"
            f"- sinon **Limbes** si $u \\geq {mid}$ ;\n- sinon **Controverse**.\n\n"
            f"Dans l'exemple : $a$ = {_n(e['s_agree'], lang)}, $d$ = "
            f"{_n(e['s_disagree'], lang)}, $u$ = {_n(e['s_neutral'], lang)} : {zone}."))
    return Section("zones", "Zones", (
        "From the scores $a$ = s(agree), $d$ = s(disagree), $u$ = s(neutral):\n"
        f"- **Consensus** if $a \\geq {hi}$ or ($u < {mid}$ and $d < {lo}$);\n"
        f"- else **Rejection** if $d \\geq {hi}$ or ($u < {mid}$ and $a < {lo}$);\n"
        f"- else **Limbo** if $u \\geq {mid}$;\n- else **Controversy**.\n\n"
        f"In the example: $a$ = {_n(e['s_agree'], lang)}, $d$ = {_n(e['s_disagree'], lang)},"
        f" $u$ = {_n(e['s_neutral'], lang)}: {zone}."))


def _ideas(lang: str) -> Section:
    formula = (r"$\text{agreement} = 100\cdot\dfrac{\sum \text{agree}}{\sum n}, \quad "
               r"\text{adhesion} = 100\cdot\dfrac{\sum \text{likeIt}}{\sum n}, \quad "
               r"\text{realistic} = 100\cdot\dfrac{\sum \text{doable}}{\sum n}$")
    if lang == "fr":
        return Section("ideas", "Grandes idées", (
            "Les votes de toutes les propositions d'une idée sont **mis en commun**, puis les "
            "mêmes parts et scores sont calculés sur ces totaux (une idée n'est pas la "
            "moyenne de ses propositions) :\n\n" + formula + "\n\n« Coup de cœur » est "
            "l'adhésion, « Réaliste » la part réaliste. Les idées sont classées par la borne "
            "basse de leur top_score."))
    return Section("ideas", "Big ideas", (
        "The votes of all of an idea's proposals are **pooled**, then the same shares and "
        "scores are computed on these totals (an idea is not the average of its "
        "proposals):\n\n" + formula + "\n\n\"Love it\" is adhesion, \"Realistic\" the "
        "realistic share. Ideas are ranked by the lower bound of their top_score."))


def _found(lang: str) -> Section:
    if lang == "fr":
        return Section("found", "Idées trouvées dans les textes", (
            "Quand les données n'ont pas de table d'idées, les propositions sont regroupées "
            "d'après leurs seuls textes, hors ligne et de façon reproductible : lemmes et "
            "paires de lemmes, familles de quasi-doublons (cosinus TF-IDF), LSA "
            "(scikit-learn `TruncatedSVD`) et k-moyennes (`KMeans`). Les votes ne décident "
            "jamais du regroupement. Les chiffres d'une idée trouvée se calculent ensuite "
            "comme pour une idée donnée (votes mis en commun). Ces regroupements sont "
            "automatiques : à relire avant de les citer (la page Grandes idées permet de les "
            "corriger)."))
    return Section("found", "Ideas found in the texts", (
        "When the data has no ideas table, proposals are grouped from their texts alone, "
        "offline and reproducibly: lemmas and pairs of lemmas, families of near-duplicates "
        "(TF-IDF cosine), LSA (scikit-learn `TruncatedSVD`) and k-means (`KMeans`). Votes "
        "never decide the grouping. A found idea's figures are then computed as for a given "
        "idea (pooled votes). These groupings are automatic: review them before quoting them "
        "(the Big ideas page lets you correct them)."))


def _groups(lang: str) -> Section:
    ks = ", ".join(str(k) for k in groups.K_VALUES)
    votes = groups.MIN_PARTICIPANT_VOTES
    formula = r"$p_a = \dfrac{n_a + 1}{n_s + 2}$"
    if lang == "fr":
        return Section("groups", "Groupes d'opinion", (
            "La méthode de Polis : matrice participants × propositions (d'accord = 1, pas "
            "d'accord = −1, neutre = 0), participants ayant voté au moins "
            f"{votes} fois (ou toutes les propositions s'il y en a moins), analyse en "
            f"composantes principales (2 axes), k-moyennes pour k = {ks}, k choisi par le "
            "score de silhouette. Quand un export Polis contient ses propres groupes, ce "
            "sont ceux de Polis. Pour chaque groupe, la probabilité d'accord lissée "
            f"{formula} et les tests de Polis (z > 1,2816) désignent les propositions "
            "représentatives. Ces groupes décrivent des votes, pas des personnes : sur la "
            "démo synthétique, ce sont des illustrations."))
    return Section("groups", "Opinion groups", (
        "Polis's method: a participants × proposals matrix (agree = 1, disagree = −1, "
        f"neutral = 0), participants with at least {votes} votes (or all proposals when "
        f"fewer), principal component analysis (2 axes), k-means for k = {ks}, k chosen by "
        "the silhouette score. When a Polis export carries its own groups, they are Polis's. "
        f"For each group the smoothed agree probability {formula} and Polis's tests "
        "(z > 1.2816) pick the representative statements. These groups describe votes, not "
        "people: on the synthetic demo they are illustrations."))


def _segments(lang: str) -> Section:
    z = _n(stats.Z_95, lang, 2)
    alpha = i18n.percent(100 * stats.ALPHA, lang)
    wilson = (r"$\dfrac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + "
              r"\frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}$")
    test = r"$z = \dfrac{\hat p_1 - \hat p_2}{\sqrt{\hat p(1-\hat p)(1/n_1 + 1/n_2)}}$"
    if lang == "fr":
        return Section("intervals", "Intervalles et tests (segments)", (
            f"Intervalle de Wilson à 95 % ($z$ = {z}) d'une part : {wilson}\n\n"
            f"Écart entre deux segments : test de deux proportions {test} ($\\hat p$ : part "
            "commune), puis correction de Holm sur toutes les comparaisons d'un tableau, au "
            f"seuil de {alpha}. Un écart marqué est peu probable par hasard entre ces "
            "volontaires ; il ne dit rien de la population entière."))
    return Section("intervals", "Intervals and tests (segments)", (
        f"95 % Wilson interval ($z$ = {z}) of a share: {wilson}\n\n"
        f"Gap between two segments: two-proportion test {test} ($\\hat p$: pooled share), "
        f"then Holm's correction over all comparisons of a table, at the {alpha} level. A "
        "marked gap is unlikely to be chance among these volunteers; it says nothing about "
        "the whole population."))


def _weighting(lang: str) -> Section:
    low, high = weighting.BOUNDS
    ess = r"$n_{\text{eff}} = \dfrac{(\sum w)^2}{\sum w^2}$"
    if lang == "fr":
        return Section("weighting", "Pondération", (
            "Calage (raking, ajustement proportionnel itératif) des votants sur les marges "
            "de la population par genre, tranche d'âge et région, poids bornés à "
            f"[{_n(low, lang, 1)} ; {_n(high, lang, 1)}] × le poids moyen, jusqu'à un écart "
            f"de ${_power(weighting.TOLERANCE)}$ ou {weighting.MAX_SWEEPS} passes. Taille "
            f"d'échantillon effective (Kish) : {ess}. Une valeur manquante ne déplace pas "
            "le votant sur cette dimension."))
    return Section("weighting", "Weighting", (
        "Raking (iterative proportional fitting) of the voters to the population's margins "
        f"by gender, age band and region, weights bounded to [{_n(low, lang, 1)}, "
        f"{_n(high, lang, 1)}] × the mean weight, until within ${_power(weighting.TOLERANCE)}$ or "
        f"{weighting.MAX_SWEEPS} sweeps. Effective sample size (Kish): {ess}. A missing value "
        "does not move the voter on that dimension."))


def _privacy(lang: str) -> Section:
    floor = MIN_SEGMENT_PARTICIPANTS
    if lang == "fr":
        return Section("privacy", "Vie privée", (
            f"Aucune ligne par participant n'est montrée ni exportée. Tout chiffre sur un "
            f"segment (genre, âge, région, département, groupe) de moins de {floor} "
            "participants est masqué et absent des exports ; les auteurs sont cités par leur "
            "prénom seulement."))
    return Section("privacy", "Privacy", (
        f"No participant-level row is shown or exported. Any figure on a segment (gender, "
        f"age, region, département, group) of fewer than {floor} participants is hidden and "
        "left out of exports; authors are named by first name only."))


def _sources(lang: str) -> Section:
    items = "\n".join(f"- {text}" for text in reference.sources(lang).values())
    polis = ("Polis: The Computational Democracy Project, data under CC BY 4.0"
             if lang == "en" else
             "Polis : The Computational Democracy Project, données sous CC BY 4.0")
    title = "Sources des données de référence" if lang == "fr" else "Reference data sources"
    return Section("sources", title, f"{items}\n- {polis}")
