"""Opinion groups: participants who vote alike, found the way Polis finds them (PCA of the
vote matrix, k-means), what sets each group apart and what every group agrees on."""

import streamlit as st

from analytics import i18n
from analytics.metrics import groups as opinion
from analytics.metrics.groups import GroupOptions
from analytics.metrics.segment import Segment
from analytics.present.charts.groups import agreement_figure, map_figure, sizes_figure
from pages import ui

TEXT = {
    "fr": {
        "intro": "Les participants qui votent de la même façon sont réunis en **groupes "
                 "d'opinion**, comme le fait Polis. Chaque participant est une ligne de "
                 "votes (d'accord +1, pas d'accord −1, neutre 0 ; un vote manquant prend la "
                 "moyenne des votes sur la proposition). Une analyse en composantes "
                 "principales résume ces lignes en deux axes, qui placent chaque participant "
                 "sur la carte ; les participants proches sont regroupés (k-moyennes), avec "
                 "le nombre de groupes (2 à 5) qui les sépare le mieux (silhouette). Les "
                 "groupes n'ont pas de nom : ils se lisent par les propositions qui les "
                 "distinguent.",
        "computing": "Recherche des groupes d'opinion…",
        "used": "Participants dans un groupe", "groups": "Groupes",
        "silhouette": "Séparation (silhouette)",
        "used_help": "Participants ayant voté sur au moins {threshold} propositions parmi "
                     "celles qui ont au moins {min_proposal} votes (règle de Polis), dans un "
                     "groupe montré.",
        "used_help_export": "Participants que Polis a placés dans un groupe (colonne "
                            "« group-id » de l'export).",
        "silhouette_help": "De −1 à 1 : plus elle est haute, mieux les groupes sont séparés. "
                           "Sous 0,25, la structure est faible.",
        "sampled": "Consultation volumineuse : {eligible} participants ont voté sur au moins "
                   "{threshold} propositions ; un échantillon aléatoire (tirage fixe, donc "
                   "reproductible) de {used} d'entre eux est analysé.",
        "thresholds": "Sont analysés les participants ayant voté sur au moins {threshold} "
                      "propositions (seuil de Polis) et les propositions ayant au moins "
                      "{min_proposal} votes parmi eux : {used} participants, {proposals} "
                      "propositions sur {total}, {votes} votes.",
        "no_structure": "Attention : ces votes ne montrent pas plus de structure que les mêmes "
                        "votes mélangés au hasard entre participants (le premier axe explique "
                        "{explained} de la variation, contre {shuffled} une fois les votes "
                        "mélangés). Les groupes ci-dessous ne sont pas de vrais groupes "
                        "d'opinion : à lire comme des tendances, pas comme des camps.",
        "weak_structure": "Les groupes sont peu séparés (silhouette {silhouette}) : à lire "
                          "comme des tendances plutôt que des camps.",
        "small_groups_hidden": "Un groupe de moins de 10 participants a été trouvé : il "
                               "n'est pas montré, pour protéger la vie privée (ses membres "
                               "ne figurent ni sur la carte ni dans les chiffres).",
        "small_groups_figures_hidden": "Polis a formé au moins un groupe de moins de 10 "
                                       "participants : il est listé avec sa taille, comme "
                                       "dans le rapport de Polis, mais ses chiffres sont "
                                       "masqués (« < 10 ») pour protéger la vie privée.",
        "no_votes": "Les groupes d'opinion se calculent à partir des votes de chaque "
                    "participant : ces données n'en ont pas (un lot de votes ou un export "
                    "Polis le permettrait).",
        "too_few": "Pas assez de participants ayant assez voté pour former au moins deux "
                   "groupes de 10 participants.",
        "segment_too_small": "Ce segment compte moins de 10 participants : pas de groupes "
                             "d'opinion, pour protéger la vie privée.",
        "one_group": "Un seul groupe compte au moins 10 participants : il n'y a pas de "
                     "groupes à comparer.",
        "weighted": "Les groupes d'opinion sont calculés sur les votes bruts (la pondération "
                    "ne s'applique pas ici).",
        "segment": "Analyse restreinte aux participants du segment choisi.",
        "apart": "Ce qui distingue chaque groupe", "tab": "Groupe {g} · {n}",
        "what": "Ce qui distingue le groupe {g}",
        "what_caption": "{n} participants ({share} des participants des groupes affichés)",
        "agree_line": "**{group}** d'accord dans le groupe {g}, **{others}** chez les "
                      "autres · {votes} votes dans le groupe",
        "disagree_line": "**{group}** pas d'accord dans le groupe {g}, **{others}** chez les "
                         "autres · {votes} votes dans le groupe",
        "agree_tag": "D'accord", "disagree_tag": "Pas d'accord",
        "not_significant": "Aucune proposition ne distingue ce groupe de façon "
                           "statistiquement nette ; voici la plus proche.",
        "none_for_group": "Aucune proposition n'a reçu au moins 10 votes dans ce groupe : "
                          "ses chiffres sont masqués pour protéger la vie privée.",
        "consensus": "Ce sur quoi tous les groupes s'accordent",
        "consensus_line": "Consensus {score} · {agree} d'accord au total · {groups}",
        "no_consensus": "Aucune proposition n'a assez de votes pour mesurer un consensus.",
        "method": "Méthode et chiffres",
        "method_text": "Méthode de Polis (compdemocracy.org), réécrite ici : votes manquants "
                       "remplacés par la moyenne de la proposition ; deux premières composantes "
                       "principales ; projection « sensible à la rareté » (seuls les votes "
                       "exprimés comptent, multipliés par √(propositions / votes du "
                       "participant), pour ne pas écraser au centre ceux qui ont peu voté) ; "
                       "k-moyennes (k-means++, 10 départs, graine fixe) pour k = 2 à 5, le k à "
                       "la meilleure silhouette est retenu. Une proposition est représentative "
                       "d'un groupe si le groupe est plus d'accord (ou plus en désaccord) que "
                       "les autres, avec deux tests z significatifs à 90 % (« repness » de "
                       "Polis). Différences avec Polis : le regroupement porte directement sur "
                       "les participants (Polis passe par 100 petits groupes intermédiaires), "
                       "un échantillon remplace ses mises à jour par lots, les groupes de "
                       "moins de 10 participants et les parts calculées sur moins de 10 votes "
                       "ne sont jamais montrés.",
        "explained": "Variation des votes expliquée par les axes 1 et 2 : {one} et {two} "
                     "(votes mélangés au hasard : {s_one} et {s_two}).",
        "silhouettes": "Silhouette selon le nombre de groupes",
        "k": "Nombre de groupes", "computed": "Calculé en {seconds} s.",
        "filename_map": "groupes-carte", "filename_sizes": "groupes-tailles",
        "filename_agreement": "groupes-accord", "filename_representative": "groupes-propositions",
        "filename_consensus": "groupes-consensus", "filename_silhouettes": "groupes-silhouette",
        "representative_table": "Toutes les propositions représentatives",
        "source_export": "Groupes tels que calculés par Polis (colonne « group-id » de "
                         "l'export) ; les chiffres ci-dessous sont recalculés ici sur les "
                         "votes de leurs membres.",
        "source_computed": "Groupes calculés ici avec la méthode de Polis (voir « Méthode "
                           "et chiffres ») : ils peuvent différer de ceux de Polis.",
        "map": "La carte des participants",
        "map_formula": "Chaque point est un participant, placé par ses votes (deux premiers "
                       "axes d'une analyse en composantes principales) ; le contour en "
                       "pointillés de chaque groupe est l'enveloppe convexe de ses membres, "
                       "comme dans le rapport Polis.",
        "sizes": "Les groupes et leur taille",
        "apart_formula": "« Commentaires représentatifs » de Polis : pour un groupe, "
                         "p = (d'accord + 1) / (votes + 2) ; la représentativité est p divisé "
                         "par le même calcul chez les autres groupes ; retenues si deux tests z "
                         "(p contre ½, le groupe contre les autres) dépassent 1,2816 (90 %), "
                         "pour l'accord ou pour le désaccord ; la meilleure proposition "
                         "« d'accord » du groupe en tête, les 5 premières, les accords avant "
                         "les désaccords.",
        "best_agree": "Meilleur accord du groupe (Polis le place en tête)",
        "not_significant_item": "non significatif à 90 %",
        "majority": "Opinion majoritaire",
        "majority_formula": "« Majority » du rapport Polis (« consensus » dans ses calculs) : "
                            "sur tous les participants des groupes, p = (d'accord + 1) / "
                            "(votes + 2) au-dessus de 0,5 et un test z significatif à 90 % "
                            "(z > 1,2816), classées par p × z, 5 au plus dans chaque sens. Le "
                            "texte du rapport Polis parle de « 60 % ou plus » ; c'est cette "
                            "formule qu'il applique.",
        "majority_agree": "D'accord en majorité", "majority_disagree": "Pas d'accord en "
                                                                         "majorité",
        "majority_line": "**{share}** {word} sur {votes} votes · {groups}",
        "no_majority": "Aucune proposition.",
        "consensus_formula": "« Group-informed consensus » de Polis : produit, sur les "
                             "groupes, de (d'accord + 1) / (votes + 2) ; élevé seulement si "
                             "**chaque** groupe est d'accord. Propositions avec au moins 10 "
                             "votes, les {n} premières.",
        "uncertainty": "Zones d'incertitude",
        "uncertainty_formula": "« Areas of uncertainty » de Polis : propositions où plus de "
                               "30 % des votes sont « neutre » (« pass » chez Polis), classées "
                               "par part² × nombre de neutres, les 5 premières.",
        "uncertainty_line": "**{share}** neutres sur {votes} votes · {groups}",
        "no_uncertainty": "Aucune proposition n'a plus de 30 % de votes neutres.",
        "statements": "Toutes les propositions",
        "statements_formula": "Le tableau « All statements » de Polis : pour chaque "
                              "proposition (« statement »), les parts de d'accord, pas "
                              "d'accord et neutre au total et dans chaque groupe, et le "
                              "consensus informé par les groupes. Cliquez sur un en-tête de "
                              "colonne pour trier. Case vide : moins de 10 votes.",
        "filename_statements": "groupes-propositions-toutes",
        "filename_majority": "groupes-majorite", "filename_uncertainty": "groupes-incertitude",
    },
    "en": {
        "intro": "Participants who vote alike are gathered into **opinion groups**, the way "
                 "Polis does it. Each participant is a row of votes (agree +1, disagree −1, "
                 "neutral 0; a missing vote takes the proposal's mean vote). A principal "
                 "component analysis sums these rows up in two axes that place every "
                 "participant on the map; nearby participants are grouped (k-means), with the "
                 "number of groups (2 to 5) that separates them best (silhouette). Groups have "
                 "no names: read them through the proposals that set them apart.",
        "computing": "Finding the opinion groups…",
        "used": "Participants in a group", "groups": "Groups",
        "silhouette": "Separation (silhouette)",
        "used_help": "Participants who voted on at least {threshold} of the proposals that "
                     "have at least {min_proposal} votes (Polis's rule), in a group shown.",
        "used_help_export": "Participants Polis placed in a group (the export's \"group-id\" "
                            "column).",
        "silhouette_help": "From −1 to 1: the higher, the better separated the groups. Under "
                           "0.25 the structure is weak.",
        "sampled": "Large consultation: {eligible} participants voted on at least "
                   "{threshold} proposals; a random sample (fixed seed, so reproducible) of "
                   "{used} of them is analysed.",
        "thresholds": "Analysed: participants who voted on at least {threshold} proposals "
                      "(Polis's threshold) and proposals with at least {min_proposal} votes "
                      "among them: {used} participants, {proposals} of {total} proposals, "
                      "{votes} votes.",
        "no_structure": "Caution: these votes show no more structure than the same votes "
                        "shuffled at random among participants (the first axis explains "
                        "{explained} of the variation, against {shuffled} once votes are "
                        "shuffled). The groups below are not real opinion groups: read them "
                        "as tendencies, not camps.",
        "weak_structure": "The groups are weakly separated (silhouette {silhouette}): read "
                          "them as tendencies rather than camps.",
        "small_groups_hidden": "A group of fewer than 10 participants was found: it is not "
                               "shown, to protect privacy (its members are neither on the map "
                               "nor in the figures).",
        "small_groups_figures_hidden": "Polis formed at least one group of fewer than 10 "
                                       "participants: it is listed with its size, as in "
                                       "Polis's report, but its figures are hidden (\"< 10\") "
                                       "to protect privacy.",
        "no_votes": "Opinion groups are computed from each participant's votes: this data "
                    "has none (a vote-level bundle or a Polis export would).",
        "too_few": "Not enough participants with enough votes to form at least two groups of "
                   "10 participants.",
        "segment_too_small": "This segment has fewer than 10 participants: no opinion groups, "
                             "to protect privacy.",
        "one_group": "Only one group has at least 10 participants: there are no groups to "
                     "compare.",
        "weighted": "Opinion groups are computed on raw votes (weighting does not apply "
                    "here).",
        "segment": "Analysis restricted to the participants of the chosen segment.",
        "apart": "What sets each group apart", "tab": "Group {g} · {n}",
        "what": "What sets group {g} apart",
        "what_caption": "{n} participants ({share} of the participants in the groups shown)",
        "agree_line": "**{group}** agree in group {g}, **{others}** among the others · "
                      "{votes} votes in the group",
        "disagree_line": "**{group}** disagree in group {g}, **{others}** among the others · "
                         "{votes} votes in the group",
        "agree_tag": "Agree", "disagree_tag": "Disagree",
        "not_significant": "No proposal sets this group apart in a statistically clear way; "
                           "here is the closest.",
        "none_for_group": "No proposal received at least 10 votes in this group: its figures "
                          "are hidden to protect privacy.",
        "consensus": "What every group agrees on",
        "consensus_line": "Consensus {score} · {agree} agree overall · {groups}",
        "no_consensus": "No proposal has enough votes to measure a consensus.",
        "method": "Method and figures",
        "method_text": "Polis's method (compdemocracy.org), rewritten here: missing votes "
                       "replaced by the proposal's mean; first two principal components; "
                       "“sparsity-aware” projection (only the votes cast count, scaled by "
                       "√(proposals / the participant's votes) so that those who voted little "
                       "are not squashed into the centre); k-means (k-means++, 10 starts, "
                       "fixed seed) for k = 2 to 5, keeping the k with the best silhouette. A "
                       "proposal represents a group when the group agrees (or disagrees) more "
                       "than the others, with two z-tests significant at 90 % (Polis's "
                       "“repness”). Differences from Polis: participants are clustered "
                       "directly (Polis goes through 100 small intermediate clusters), a sample "
                       "replaces its mini-batch updates, groups under 10 participants and "
                       "shares computed on fewer than 10 votes are never shown.",
        "explained": "Variation in votes explained by axes 1 and 2: {one} and {two} (votes "
                     "shuffled at random: {s_one} and {s_two}).",
        "silhouettes": "Silhouette by number of groups",
        "k": "Number of groups", "computed": "Computed in {seconds} s.",
        "filename_map": "groups-map", "filename_sizes": "groups-sizes",
        "filename_agreement": "groups-agreement", "filename_representative": "groups-proposals",
        "filename_consensus": "groups-consensus", "filename_silhouettes": "groups-silhouette",
        "representative_table": "All representative proposals",
        "source_export": "Groups as computed by Polis (the export's “group-id” column); the "
                         "figures below are computed here from their members' votes.",
        "source_computed": "Groups computed here with Polis's method (see “Method and "
                           "figures”): they may differ from Polis's own.",
        "map": "The participants map",
        "map_formula": "Each dot is a participant, placed by their votes (first two axes of a "
                       "principal component analysis); each group's dashed outline is the "
                       "convex hull of its members, as in Polis's report.",
        "sizes": "The groups and their size",
        "apart_formula": "Polis's “representative comments”: for a group, p = (agree + 1) / "
                         "(votes + 2); representativeness is p divided by the same for the "
                         "other groups; kept when two z-tests (p against ½, the group against "
                         "the others) exceed 1.2816 (90 %), for agree or for disagree; the "
                         "group's best “agree” proposal first, the top 5, agrees before "
                         "disagrees.",
        "best_agree": "The group's best agree (Polis puts it first)",
        "not_significant_item": "not significant at 90 %",
        "majority": "Majority opinion",
        "majority_formula": "Polis's report “Majority” (“consensus” in its math): over all "
                            "participants in the groups, p = (agree + 1) / (votes + 2) above "
                            "0.5 with a z-test significant at 90 % (z > 1.2816), ranked by "
                            "p × z, at most 5 each way. Polis's report text says “60% or "
                            "more”; this formula is what it applies.",
        "majority_agree": "Most agree", "majority_disagree": "Most disagree",
        "majority_line": "**{share}** {word} of {votes} votes · {groups}",
        "no_majority": "No proposal.",
        "consensus_formula": "Polis's “group-informed consensus”: the product over groups of "
                             "(agree + 1) / (votes + 2); high only when **every** group "
                             "agrees. Proposals with at least 10 votes, the top {n}.",
        "uncertainty": "Areas of uncertainty",
        "uncertainty_formula": "Polis's “areas of uncertainty”: proposals where more than 30 % "
                               "of the votes are “neutral” (Polis's “pass”), ranked by share² × "
                               "neutral votes, the top 5.",
        "uncertainty_line": "**{share}** neutral of {votes} votes · {groups}",
        "no_uncertainty": "No proposal has more than 30 % neutral votes.",
        "statements": "All proposals",
        "statements_formula": "Polis's “All statements” table: for every proposal (Polis's "
                              "“statement”), the shares of agree, disagree and neutral overall "
                              "and in each group, and the group-informed consensus. Click a "
                              "column header to sort. Empty cell: fewer than 10 votes.",
        "filename_statements": "groups-all-proposals",
        "filename_majority": "groups-majority", "filename_uncertainty": "groups-uncertainty",
    },
}


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _groups(path: str, version: float, segment: tuple) -> dict:
    """The opinion groups of a consultation (cached like ui._results)."""
    options = GroupOptions(segment=Segment(**dict(segment)))
    return opinion.opinion_groups(ui._source(path, version), options)


view = ui.current_view()
text = TEXT[view.lang]
lang = view.lang
source = view.source()
segment = view.segment if "segments" in source.capabilities else Segment()
with st.spinner(text["computing"], show_time=True):
    result = _groups(str(view.entry.path), view.entry.version, tuple(segment.items()))

ui.header(view, "groups", result)
st.markdown(text["intro"])
codes = {note["code"]: note for note in result["notes"]}
if view.weighted and "participants" in source.capabilities:
    st.caption(text["weighted"])

for code in ("no_votes", "segment_too_small", "too_few"):
    if code in codes:
        st.info(text[code], icon=":material/info:")
        st.stop()

counts, parameters = result["counts"], result["parameters"]
prefix = f"{view.entry.id}-"


def number(value) -> str:
    return i18n.integer(value, lang)


def decimal(value, digits: int = 2) -> str:
    return i18n.decimal(value, lang, digits)


def representative_list(group: dict) -> None:
    """What sets one group apart: its representative proposals, agrees first."""
    letter = group["group"]
    st.subheader(text["what"].format(g=letter), anchor=False)
    st.caption(text["what_caption"].format(n=number(group["participants"]),
                                           share=i18n.percent(group["share"], lang)))
    items = result["representative"].get(letter) or []
    if not items:
        st.caption(text["none_for_group"])
    elif not any(item["significant"] for item in items):
        st.caption(text["not_significant"])
    for item in items:
        agree = item["direction"] == "agree"
        with st.container(border=True):
            badge = f":{'blue' if agree else 'orange'}-badge[{text[item['direction'] + '_tag']}]"
            st.markdown(badge + " " + ui.plain(item["content"]))
            line = text[f"{item['direction']}_line"].format(
                group=i18n.percent(item["group_agree" if agree else "group_disagree"], lang),
                others=i18n.percent(item["others_agree" if agree else "others_disagree"], lang),
                g=letter, votes=number(item["group_votes"]))
            notes = ([text["best_agree"]] if item.get("best_agree") else []) + \
                ([text["not_significant_item"]] if not item["significant"]
                 and any(other["significant"] for other in items) else [])
            st.caption(" · ".join([line, *notes]))


def group_shares(shares: dict) -> str:
    """'A 92 % · B < 10 · C 40 %': one share per group, "< 10" under 10 voters."""
    return " · ".join(f"{letter} {i18n.percent(share, lang) if share is not None else '< 10'}"
                      for letter, share in shares.items())


def section(key: str, **values) -> None:
    """A section's title and its one-line formula."""
    st.header(text[key], anchor=False)
    st.caption(text[f"{key}_formula"].format(**values))


best = max((item["silhouette"] for item in result["silhouettes"]), default=None)
columns = st.columns(3)
from_export = result.get("source") == "export"
columns[0].metric(text["used"], number(sum(g["participants"] for g in result["groups"])),
                  help=text["used_help_export"] if from_export else text["used_help"].format(
                      threshold=counts["threshold"],
                      min_proposal=parameters["min_proposal_votes"]))
columns[1].metric(text["groups"], number(len(result["groups"])))
columns[2].metric(text["silhouette"], decimal(best) if best is not None else "–",
                  help=text["silhouette_help"])
st.caption(text["source_export" if result.get("source") == "export" else "source_computed"])
if counts["sampled"]:
    st.info(text["sampled"].format(eligible=number(counts["eligible"]),
                                   threshold=counts["threshold"], used=number(counts["used"])),
            icon=":material/casino:")
if segment.items():
    st.caption(text["segment"])
if "no_structure" in codes:
    st.warning(text["no_structure"].format(
        explained=i18n.percent(100 * codes["no_structure"]["explained"], lang, 1),
        shuffled=i18n.percent(100 * codes["no_structure"]["shuffled"], lang, 1)),
        icon=":material/warning:")
elif "weak_structure" in codes:
    st.warning(text["weak_structure"].format(
        silhouette=decimal(codes["weak_structure"]["silhouette"])), icon=":material/warning:")
for code in ("small_groups_hidden", "small_groups_figures_hidden"):
    if code in codes:
        st.info(text[code], icon=":material/visibility_off:")

# The sections of Polis's report, in its order.
fig, data = map_figure(result, lang)
if fig is not None:
    section("map")
    ui.chart(fig, data, key="groups-map", view=view, filename=prefix + text["filename_map"])
fig, data = sizes_figure(result, lang)
if fig is not None:
    st.header(text["sizes"], anchor=False)
    ui.chart(fig, data, key="groups-sizes", view=view, filename=prefix + text["filename_sizes"])

if len(result["groups"]) < 2:
    st.info(text["one_group"], icon=":material/info:")
else:
    tables = opinion.tables(result)
    section("apart")
    tabs = st.tabs([text["tab"].format(g=g["group"], n=number(g["participants"]))
                    for g in result["groups"]])
    for tab, group in zip(tabs, result["groups"], strict=True):
        with tab:
            representative_list(group)
    fig, data = agreement_figure(result, lang)
    if fig is not None:
        ui.chart(fig, data, key="groups-agreement", view=view,
                 filename=prefix + text["filename_agreement"])
    ui.data_table(tables["representative"], key="groups-representative", view=view,
                  filename=prefix + text["filename_representative"])

    section("majority")
    majority = result.get("majority") or {}
    for column, direction in zip(st.columns(2), ("agree", "disagree"), strict=True):
        with column:
            st.subheader(text[f"majority_{direction}"], anchor=False)
            items = majority.get(direction) or []
            if not items:
                st.caption(text["no_majority"])
            for item in items:
                with st.container(border=True):
                    st.markdown(ui.plain(item["content"]))
                    st.caption(text["majority_line"].format(
                        share=i18n.percent(item["share"], lang),
                        word=text[f"{direction}_tag"].lower(), votes=number(item["votes"]),
                        groups=group_shares(item["groups"])))
    ui.data_table(tables["majority"], key="groups-majority", view=view,
                  filename=prefix + text["filename_majority"])

    section("consensus", n=opinion.DEFAULT_GROUP_OPTIONS.consensus_top)
    if not result["consensus"]:
        st.caption(text["no_consensus"])
    for item in result["consensus"]:
        with st.container(border=True):
            st.markdown(ui.plain(item["content"]))
            st.caption(text["consensus_line"].format(
                score=decimal(item["consensus"], 3), agree=i18n.percent(item["agree"], lang),
                groups=group_shares(item["groups"])))
    ui.data_table(tables["consensus"], key="groups-consensus", view=view,
                  filename=prefix + text["filename_consensus"])

    section("uncertainty")
    if not result.get("uncertainty"):
        st.caption(text["no_uncertainty"])
    for item in result.get("uncertainty") or []:
        with st.container(border=True):
            st.markdown(ui.plain(item["content"]))
            st.caption(text["uncertainty_line"].format(
                share=i18n.percent(item["pass"], lang), votes=number(item["votes"]),
                groups=group_shares(item["groups"])))
    ui.data_table(tables["uncertainty"], key="groups-uncertainty", view=view,
                  filename=prefix + text["filename_uncertainty"])

    section("statements")
    statements = opinion.statement_table(result, lang)
    percent_format = "%.0f %%" if lang == "fr" else "%.0f%%"
    st.dataframe(
        statements, hide_index=True, width="stretch", key="groups-statements",
        column_config={
            name: st.column_config.NumberColumn(
                format=percent_format if name.endswith("(%)") else
                "%.3f" if name == statements.columns[6] else "%d")
            for name in statements.columns[2:] if statements[name].dtype == float})
    ui.download_buttons(st.columns(2), statements, key="groups-statements", view=view,
                        filename=prefix + text["filename_statements"])
    if result.get("attribution"):
        ui.attribution(result["attribution"])

with st.expander(text["method"], icon=":material/functions:"):
    st.markdown(text["method_text"])
    st.markdown(text["thresholds"].format(
        threshold=counts["threshold"], min_proposal=parameters["min_proposal_votes"],
        used=number(counts["used"]), proposals=number(counts["proposals_used"]),
        total=number(counts["proposals"]), votes=number(counts["votes_used"])))
    explained, shuffled = result["explained"], result["explained_shuffled"]
    if len(explained) == 2 and len(shuffled) == 2:
        st.markdown(text["explained"].format(
            one=i18n.percent(100 * explained[0], lang, 1),
            two=i18n.percent(100 * explained[1], lang, 1),
            s_one=i18n.percent(100 * shuffled[0], lang, 1),
            s_two=i18n.percent(100 * shuffled[1], lang, 1)))
    st.markdown(f"**{text['silhouettes']}**")
    st.dataframe({text["k"]: [item["k"] for item in result["silhouettes"]],
                  text["silhouette"]: [round(item["silhouette"], 3)
                                       for item in result["silhouettes"]]},
                 hide_index=True)
    st.caption(text["computed"].format(seconds=decimal(result.get("seconds", 0), 1)))
