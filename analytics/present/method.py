"""The methodology page's text: every figure of the product with its formula, in the
interface language, its constants read from the code that uses them (so the page
cannot drift from the code), a worked example computed by that code, and how to read
the results (volunteers, weighting, privacy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics import i18n
from analytics.inputs import reference
from analytics.metrics import scoring
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
    return [section(lang) for section in (reading, _scores, _zones, _ideas, _found,
                                          _groups, _segments, _weighting, _privacy,
                                          _sources)]


def reading(lang: str) -> Section:
    """The "how to read these results" note alone (every page's header shows it): it
    needs none of the statistics modules, whose first import takes about a second."""
    _ = i18n.translator(i18n.language_of(lang))
    return Section("reading", _("How to read these results"), _(
        "- **Participants are volunteers**, not a random sample: who votes depends on who saw "
        "the consultation. The Participation page shows the gap between participants and the "
        "population (gender, age, region).\n"
        "- **Weighting** (the sidebar toggle) gives each gender, age and region group its "
        "weight in the population. It corrects these observed gaps, not what is not measured "
        "(interest in the topic, engagement): a weighted result is still that of volunteers.\n"
        "- **Privacy**: any figure computed on fewer than {floor} "
        "participants is hidden (\"< 10\") and left out of exports.\n"
        "- Percentages are shares of **votes** on a proposal or an idea, not of participants."
    ).format(floor=MIN_SEGMENT_PARTICIPANTS))


def _scores(lang: str) -> Section:
    _ = i18n.translator(lang)
    e = example_figures()
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
    # TRANSLATORS: {margins} and {formulas} are LaTeX; "agree", top_score... are the keys'
    # names in the formulas, kept as they are.
    body = _(
        "Shares are in percent of all votes on the proposal ($n$ = agree + disagree + "
        "neutral). Scores are Make.org's (ProposalScorer): each key has a smoothed score "
        "(smoothing {smooth_vote} for votes, {smooth_qualification} for qualifications) and a "
        "confidence margin; scores add up, their margins combine as {margins}, and the minimum "
        "of two scores keeps the larger margin.\n\n{formulas}\n\nLists are ranked by the "
        "**lower bound** (score − margin): a proposal with few votes does not pass one with "
        "many votes at the same score. Controversial and rejected: proposals with at least "
        "{min_votes} votes, the top {top} (adjustable).\n\n**Example** ({counts}, $n$ = {n}): "
        "$s$(agree) = (60 + {smooth_vote}) / 101 = {s_agree}, $c$(agree) = {c_agree}; "
        "top_score = {top_score}, lower bound {top_lower}; controversy = {controversy}."
    ).format(smooth_vote=_n(scoring.SMOOTH_VOTE, lang, 2),
             smooth_qualification=_n(scoring.SMOOTH_QUALIFICATION, lang, 2),
             margins=r"$\sqrt{c_1^2 + c_2^2}$", formulas=formulas,
             min_votes=DEFAULT_MIN_VOTES, top=DEFAULT_TOP, counts=counts, n=e["n"],
             s_agree=_n(e["s_agree"], lang), c_agree=_n(e["c_agree"], lang),
             top_score=_n(e["top_score"], lang), top_lower=_n(e["top_lower"], lang),
             controversy=_n(e["controversy"], lang))
    return Section("scores", _("Shares and scores"), body)


def _zones(lang: str) -> Section:
    _ = i18n.translator(lang)
    e = example_figures()
    hi, mid, lo = (_n(v, lang, 2).replace(",", "{,}") for v in (scoring.MAJORITY, scoring.UNDECIDED,
                                             scoring.MINORITY))
    return Section("zones", _("Zones"), _(
        "From the scores $a$ = s(agree), $d$ = s(disagree), $u$ = s(neutral):\n"
        "- **Consensus** if $a \\geq {hi}$ or ($u < {mid}$ and $d < {lo}$);\n"
        "- else **Rejection** if $d \\geq {hi}$ or ($u < {mid}$ and $a < {lo}$);\n"
        "- else **Limbo** if $u \\geq {mid}$;\n- else **Controversy**.\n\n"
        "In the example: $a$ = {a}, $d$ = {d}, $u$ = {u}: {zone}."
    ).format(hi=hi, mid=mid, lo=lo, a=_n(e["s_agree"], lang), d=_n(e["s_disagree"], lang),
             u=_n(e["s_neutral"], lang), zone=i18n.word(e["zone"], lang)))


def _ideas(lang: str) -> Section:
    _ = i18n.translator(lang)
    formula = (r"$\text{agreement} = 100\cdot\dfrac{\sum \text{agree}}{\sum n}, \quad "
               r"\text{adhesion} = 100\cdot\dfrac{\sum \text{likeIt}}{\sum n}, \quad "
               r"\text{realistic} = 100\cdot\dfrac{\sum \text{doable}}{\sum n}$")
    return Section("ideas", _("Big ideas"), _(
        "The votes of all of an idea's proposals are **pooled**, then the same shares and "
        "scores are computed on these totals (an idea is not the average of its "
        "proposals):\n\n{formula}\n\n\"Love it\" is adhesion, \"Realistic\" the "
        "realistic share. Ideas are ranked by the lower bound of their top_score."
    ).format(formula=formula))


def _found(lang: str) -> Section:
    _ = i18n.translator(lang)
    return Section("found", _("Ideas found in the texts"), _(
        "When the data has no ideas table, proposals are grouped from their texts alone, "
        "offline and reproducibly: lemmas and pairs of lemmas, families of near-duplicates "
        "(TF-IDF cosine), LSA (scikit-learn `TruncatedSVD`) and k-means (`KMeans`). Votes "
        "never decide the grouping. A found idea's figures are then computed as for a given "
        "idea (pooled votes). These groupings are automatic: review them before quoting them "
        "(the Big ideas page lets you correct them)."))


def _groups(lang: str) -> Section:
    from analytics.metrics import groups

    _ = i18n.translator(lang)
    return Section("groups", _("Opinion groups"), _(
        "Polis's method: a participants × proposals matrix (agree = 1, disagree = −1, "
        "neutral = 0), participants with at least {votes} votes (or all proposals when "
        "fewer), principal component analysis (2 axes), k-means for k = {ks}, k chosen by "
        "the silhouette score. When a Polis export carries its own groups, they are Polis's. "
        "For each group the smoothed agree probability {formula} and Polis's tests "
        "(z > 1.2816) pick the representative statements. These groups describe votes, not "
        "people: on the synthetic demo they are illustrations."
    ).format(votes=groups.MIN_PARTICIPANT_VOTES, ks=", ".join(str(k) for k in groups.K_VALUES),
             formula=r"$p_a = \dfrac{n_a + 1}{n_s + 2}$"))


def _segments(lang: str) -> Section:
    from analytics.metrics import stats

    _ = i18n.translator(lang)
    wilson = (r"$\dfrac{\hat p + \frac{z^2}{2n} \pm z\sqrt{\frac{\hat p(1-\hat p)}{n} + "
              r"\frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}$")
    test = r"$z = \dfrac{\hat p_1 - \hat p_2}{\sqrt{\hat p(1-\hat p)(1/n_1 + 1/n_2)}}$"
    return Section("intervals", _("Intervals and tests (segments)"), _(
        "95 % Wilson interval ($z$ = {z}) of a share: {wilson}\n\n"
        "Gap between two segments: two-proportion test {test} ($\\hat p$: pooled share), "
        "then Holm's correction over all comparisons of a table, at the {alpha} level. A "
        "marked gap is unlikely to be chance among these volunteers; it says nothing about "
        "the whole population."
    ).format(z=_n(stats.Z_95, lang, 2), wilson=wilson, test=test,
             alpha=i18n.percent(100 * stats.ALPHA, lang)))


def _weighting(lang: str) -> Section:
    from analytics.metrics import weighting

    _ = i18n.translator(lang)
    low, high = weighting.BOUNDS
    return Section("weighting", _("Weighting"), _(
        "Raking (iterative proportional fitting) of the voters to the population's margins "
        "by gender, age band and region, weights bounded to [{low}, {high}] × the mean "
        "weight, until within ${tolerance}$ or {sweeps} sweeps. Effective sample size "
        "(Kish): {ess}. A missing value does not move the voter on that dimension."
    ).format(low=_n(low, lang, 1), high=_n(high, lang, 1),
             tolerance=_power(weighting.TOLERANCE), sweeps=weighting.MAX_SWEEPS,
             ess=r"$n_{\text{eff}} = \dfrac{(\sum w)^2}{\sum w^2}$"))


def _privacy(lang: str) -> Section:
    _ = i18n.translator(lang)
    return Section("privacy", _("Privacy"), _(
        "No participant-level row is shown or exported. Any figure on a segment (gender, "
        "age, region, département, group) of fewer than {floor} participants is hidden and "
        "left out of exports; authors are named by first name only."
    ).format(floor=MIN_SEGMENT_PARTICIPANTS))


def _sources(lang: str) -> Section:
    _ = i18n.translator(lang)
    items = "\n".join(f"- {text}" for text in reference.sources(lang).values())
    polis = _("Polis: The Computational Democracy Project, data under CC BY 4.0")
    return Section("sources", _("Reference data sources"), f"{items}\n- {polis}")
