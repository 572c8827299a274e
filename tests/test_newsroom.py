"""What lets the results leave the desk: titles from what a file holds (or its sidecar),
the synthetic demo's notice on every page, the citation and the stamp of every download,
the methodology page (its numbers are the code's), the summary to quote."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

import pandas as pd
import pyarrow.parquet as pq
import pytest
from apptest import ROOT, open_page, text_of

from analytics.consultations import catalog
from analytics.consultations.open import open_source
from analytics.demo import DEFAULT_DEMO_DIR, ensure_demo
from analytics.inputs import titles
from analytics.inputs.errors import InputError
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.present import method, provenance
from analytics.present.export import STAMP_KEY, csv_bytes, parquet_bytes
from analytics.present.summary import Link, summarise

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py")
               if p.name not in ("__init__.py", "ui.py", "upload.py", "method.py"))


@pytest.fixture(scope="module")
def demo():
    ensure_demo(DEFAULT_DEMO_DIR)
    return open_source(DEFAULT_DEMO_DIR).results()


# -- titles ---------------------------------------------------------------------------------

def test_a_title_comes_from_the_file_never_its_name(tmp_path):
    path = tmp_path / "mieux-sinformer.json"
    path.write_text(json.dumps({"context": "Consultation citoyenne réalisée par Make.org du "
                                           "2021-01-04 au 2021-02-21, autour de la question : "
                                           "Comment mieux s'informer ?", "top_ideas": []}))
    assert catalog.discover([tmp_path])[0].title == "Comment mieux s'informer ?"
    consultation = open_source(path).results()["consultation"]
    assert consultation["title"] == "Comment mieux s'informer ?"
    # No question: the context's first sentence, shortened at a word.
    path.write_text(json.dumps({"context": "Une consultation sur l'information. " + "Mots " * 9,
                                "top_ideas": []}))
    assert open_source(path).results()["consultation"]["title"] == \
        "Une consultation sur l'information."
    assert titles.shorten("mot " * 40, 20) == "mot mot mot mot mot…"


def test_a_sidecar_gives_title_dates_and_address(tmp_path):
    path = tmp_path / "mieux-sinformer.json"
    path.write_text(json.dumps({"context": "Sans question.", "top_ideas": []}))
    (tmp_path / "mieux-sinformer.meta.json").write_text(json.dumps({
        "title": "Mieux s'informer", "question": "Comment mieux s'informer ?",
        "dates": {"start": "2021-01-04", "end": "2021-02-21"},
        "source_url": "https://make.org/FR/consultation/mieux-sinformer/results"}))
    entries = catalog.discover([tmp_path])
    assert [(e.id, e.title) for e in entries] == [("mieux-sinformer", "Mieux s'informer")]
    consultation = open_source(path).results()["consultation"]
    assert (consultation["title"], consultation["question"], consultation["start_date"],
            consultation["end_date"]) == ("Mieux s'informer", "Comment mieux s'informer ?",
                                          "2021-01-04", "2021-02-21")


def test_a_wrong_sidecar_is_an_input_error_naming_file_and_key(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"context": "x", "top_ideas": []}))
    (tmp_path / "results.meta.json").write_text(json.dumps({
        "dates": ["2021-01-04"], "source_url": "javascript:alert(1)"}))
    with pytest.raises(InputError) as caught:
        open_source(path)
    report = caught.value.report()
    assert "results.meta.json, column dates: must give the first and last day" in report
    assert "results.meta.json, column source_url: must be a web address" in report
    # The listing still shows the input (the problem is reported when it is opened).
    assert catalog.discover([tmp_path])[0].title == "x"


def test_real_published_files_get_their_question_as_title(shared_data):
    entries = {e.id: e.title for e in catalog.discover([shared_data / "makeorg-results"])}
    assert entries["egalite-femmes-hommes"] == \
        "Comment assurer l'égalité femmes-hommes dans l'économie ?"
    assert entries["finanzbranche"].startswith("Was soll die deutsche Finanzbranche tun")
    assert all(title != catalog.humanize(name) for name, title in entries.items())


# -- provenance -----------------------------------------------------------------------------

def test_citation_of_the_demo(demo):
    assert provenance.is_synthetic(demo)
    text = provenance.citation(demo, "fr", version="abc123", today=date(2026, 12, 3))
    assert text.startswith("Source : Make.org, consultation #SolutionsJeunes, 22 mars – 22 "
                           "mai 2022, 584\u202f664 votes ; calculs : consultation-dashboard, "
                           "3 décembre 2026 (données abc123). Démonstration : les votes sont "
                           "synthétiques")
    english = provenance.citation(demo, "en", today=date(2026, 12, 3))
    assert english.startswith("Source: Make.org, consultation #SolutionsJeunes, March 22 – "
                              "May 22, 2022, 584,664 votes; calculations: "
                              "consultation-dashboard, December 3, 2026. Demo:")


def test_citation_of_a_polis_export(shared_data):
    results = open_source(shared_data / "polis" / "brexit-consensus").results()
    assert not provenance.is_synthetic(results)
    assert provenance.input_kind(results, "en") == "Polis export, CC BY 4.0"
    assert provenance.citation(results, "en", today=date(2026, 1, 2)) == (
        "Source: Polis (The Computational Democracy Project), consultation Can there be "
        "consensus on Brexit?, July 16 – August 5, 2017, 5,303 votes; calculations: "
        "consultation-dashboard, January 2, 2026")


def test_data_version_follows_the_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    (first / "votes.csv").write_text("x\n1\n")
    (first / "consultation.json").write_text("{}")
    shutil.copytree(first, second)
    assert provenance.data_version(first) == provenance.data_version(second)
    (second / "votes.csv").write_text("x\n2\n")
    assert provenance.data_version(first) != provenance.data_version(second)
    assert len(provenance.data_version(first)) == 16
    # A large file: its two ends and its size make the version.
    big = first / "votes.csv"
    big.write_bytes(b"a" * (3 << 20))
    before = provenance.data_version(first)
    big.write_bytes(b"a" * ((3 << 20) - 1) + b"b")
    assert provenance.data_version(first) != before


def test_downloads_carry_their_stamp():
    table = pd.DataFrame({"proposal": ["=1+2", "Il faut"], "votes": [3, 4]})
    lines = ["Source : Make.org", "version : abc"]
    data = csv_bytes(table, lines)
    assert data.startswith("\ufeff# Source : Make.org\n# version : abc\nproposal,votes\n"
                           .encode("utf-8"))
    back = pd.read_csv(io.BytesIO(data), comment="#", encoding="utf-8-sig")
    assert back["votes"].tolist() == [3, 4]
    parquet = pq.read_table(io.BytesIO(parquet_bytes(table, lines)))
    assert json.loads(parquet.schema.metadata[STAMP_KEY]) == lines
    assert parquet.to_pandas()["votes"].tolist() == [3, 4]


# -- the method, its numbers ----------------------------------------------------------------

def test_the_worked_example_is_the_code_s_and_hand_computed():
    figures = method.example_figures()
    # s(agree) = (60 + 0.33) / 101; p' = (100 s + 2) / 104; c = 2 sqrt(p'(1 - p') / 104)
    s_agree = 60.33 / 101
    p = (100 * s_agree + 2) / 104
    assert figures["s_agree"] == pytest.approx(s_agree)
    assert figures["c_agree"] == pytest.approx(2 * (p * (1 - p) / 104) ** 0.5)
    # top_score = (60.33 + 12.01 + 9.01 - 6.01 - 3.01 - 2.01 - 1.01) / 101
    assert figures["top_score"] == pytest.approx(69.31 / 101)
    assert figures["controversy"] == pytest.approx((30.33 + 6.01) / 101)
    assert figures["zone"] == "controversy"     # a < 0.6, d ≥ 0.15, u < 0.4


FIRST_METHOD_HEADER = {"fr": "Comment lire ces résultats", "en": "How to read these results",
                       "de": "Wie diese Ergebnisse zu lesen sind"}


@pytest.mark.parametrize("lang, quoted", [
    ("fr", ["0,597", "0,096", "0,686", "0,360", "0{,}60", "au moins 100 votes", "moins de 10",
            "Controverse", "1,96"]),
    ("en", ["0.597", "0.096", "0.686", "0.360", "0.60", "at least 100 votes", "fewer than 10",
            "Controversy", "1.96"])])
def test_the_method_page_quotes_the_code(lang, quoted):
    at = open_page("pages/method.py", lang=lang)
    text = "\n".join(m.value for m in at.markdown)
    for number in quoted:
        assert number in text, number
    headers = [h.value for h in at.header]
    assert len(headers) == len(method.sections(lang)) == 10
    assert headers[0] == FIRST_METHOD_HEADER[lang]


def test_the_method_in_german_quotes_the_code():
    sections = method.sections("de")
    text = "\n".join(section.body for section in sections)
    for number in ("0,597", "0,096", "0,686", "0,360", "0{,}60", "mindestens 100 Stimmen",
                   "weniger als 10", "Kontroverse", "1,96"):
        assert number in text, number
    assert [s.title for s in sections[:3]] == [FIRST_METHOD_HEADER["de"], "Anteile und Scores",
                                                "Zonen"]
    # The formulas are not translated.
    assert "$\\text{controversy} = \\min(\\text{agree}, \\text{disagree})" in text


def test_the_method_page_in_german():
    at = open_page("pages/method.py", lang="de")
    headers = [h.value for h in at.header]
    assert headers[:2] == [FIRST_METHOD_HEADER["de"], "Anteile und Scores"]


def test_provenance_in_german(demo):
    text = provenance.citation(demo, "de", version="abc123", today=date(2026, 12, 3))
    assert text.startswith("Quelle: Make.org, Konsultation #SolutionsJeunes, 22. März – "
                           "22. Mai 2022, 584.664 Stimmen; Berechnungen: "
                           "consultation-dashboard, 3. Dezember 2026 (Daten abc123). Demo: "
                           "Die Stimmen sind synthetisch")
    assert provenance.input_kind(demo, "de") == "synthetische Demo"
    lines = provenance.stamp(demo, "de", version="abc", today=date(2026, 12, 3),
                             segment="Alter=18-24")
    assert lines[1:] == ["Art der Daten: synthetische Demo", "Datenversion: abc",
                         "erstellt am: 2026-12-03", "Segment: Alter=18-24"]
    assert provenance.source_lines(demo, "de")[0].startswith("Quelle: Make.org")


# -- every page -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_the_demo_says_it_is_synthetic(page):
    at = open_page(f"pages/{page}")
    assert any(w.value == provenance.synthetic_notice("fr") for w in at.warning), page
    citations = [c.value for c in at.get("code")]
    assert any(c.startswith("Source : Make.org, consultation #SolutionsJeunes")
               for c in citations), page


def test_a_polis_page_has_no_synthetic_notice(shared_data, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(shared_data / "polis"))
    at = open_page("pages/overview.py", c="brexit-consensus", lang="en")
    assert not any("synthetic" in w.value for w in at.warning)
    assert any(c.value.startswith("Source: Polis") for c in at.get("code"))


# -- the summary ----------------------------------------------------------------------------

def test_summary_of_the_demo(demo):
    facts = summarise(demo, "fr")
    assert facts[0] == ("297\u202f876 participants ont déposé 2\u202f864 propositions et "
                        "voté 584\u202f664 fois.",)
    ideas = facts[1]
    assert ideas[0] == "Les idées les mieux classées : "
    links = [part for part in ideas if isinstance(part, Link)]
    assert [link.params for link in links] == [(("idea", key),) for key in
                                               demo["ranked_ideas"][:3]]
    assert links[0].text == "94\u00a0% d'accord"
    who = facts[3]
    assert who[0] == "Les 16-24 ans représentent " and who[1].text == "44\u00a0%"
    assert who[3] == "12\u00a0%"


def test_summary_of_a_small_segment_leaves_out_the_ideas_it_hides():
    """65+ in Val-de-Marne: 132 votes; the top-ranked ideas are under the privacy floor
    (no agreement): the summary quotes only ideas whose figures are shown (the load test
    found the overview failing there)."""
    source = open_source(DEFAULT_DEMO_DIR)
    results = source.results(Options(segment=Segment(age_band="65+", region="94")))
    shown = {idea["idea_id"] for axis in results["top_ideas"] for idea in axis["ideas"]
             if idea.get("agreement") is not None}
    assert results["ranked_ideas"][0] not in shown             # hidden in this segment
    facts = summarise(results, "en")
    ideas = next((fact for fact in facts if fact and "ideas" in fact[0]), None)
    links = [part for part in ideas or () if isinstance(part, Link)]
    assert all(dict(link.params)["idea"] in shown for link in links)
    assert len(links) == min(3, len(shown))


def test_summary_in_german(demo):
    facts = summarise(demo, "de")
    assert facts[0] == ("297.876 Teilnehmende haben 2.864 Vorschläge eingereicht und "
                        "584.664-mal abgestimmt.",)
    ideas = facts[1]
    assert ideas[0] == "Die bestplatzierten Ideen: "
    assert ideas[1].startswith("„") and " und " in ideas
    links = [part for part in ideas if isinstance(part, Link)]
    assert links[0].text == "94\u00a0% Zustimmung"
    assert facts[2][0] == "Der umstrittenste Vorschlag: "
    assert facts[2][2].text == "40\u00a0% Zustimmung, 42\u00a0% Ablehnung"
    who = facts[3]
    assert who[0] == "Personen im Alter von 16-24 Jahren machen "
    assert "".join(p.text if isinstance(p, Link) else p for p in who) == (
        "Personen im Alter von 16-24 Jahren machen 44\u00a0% der Teilnehmenden aus, "
        "gegenüber 12\u00a0% der Bevölkerung.")


def test_make_org_chart_labels_in_the_consultation_language():
    from analytics.present.makeorg import labels
    assert labels("fr")["region"] == "Participation par région"
    assert labels("de")["gender"] == "Teilnahme nach Geschlecht"
    assert labels("de")["female"] == "Weiblich"
    assert labels("en")["female"] == "women"
    assert labels("es")["legend"] == "Distribution of participants"

def test_the_overview_links_each_figure_to_its_page():
    at = open_page("pages/overview.py", lang="en")
    text = text_of(at)
    assert "[94% agree](ideas?c=solutions-jeunes&lang=en&idea=decouverte-monde-pro)" in text
    assert "40% agree, 42% disagree](proposal?c=solutions-jeunes&lang=en&id=p0043)" in text
    assert "[44%](participation?c=solutions-jeunes&lang=en)" in text


# -- a proposal's own address ---------------------------------------------------------------

def test_a_proposal_s_own_page(demo):
    divisive = demo["controversials"][0]
    at = open_page("pages/proposal.py", id=divisive["id"])
    assert at.subheader[0].value.replace("\\", "") == divisive["content"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["D'accord"] == f"{round(divisive['agree'])}\u00a0%"
    assert metrics["Pas d'accord"] == f"{round(divisive['disagree'])}\u00a0%"
    text = text_of(at)
    assert f"proposal?c=solutions-jeunes&idea={divisive['idea_id']}" in text
    # By segment: the proposal's voters by gender, as the segments page counts them.
    genders = at.dataframe[1].value
    assert genders.iloc[:, 1].sum() <= divisive["votes"]
    assert set(genders.iloc[:, 0]) >= {"Femmes", "Hommes"}


def test_an_idea_s_own_page_lists_its_proposals(demo):
    idea = demo["top_ideas"][0]["ideas"][0]
    at = open_page("pages/proposal.py", idea=idea["idea_id"], lang="en")
    assert at.title[0].value == "Big idea"
    assert at.subheader[0].value.replace("\\", "") == idea["idea"]
    assert {m.label: m.value for m in at.metric}["Agree"] == f"{round(idea['agreement'])}%"
    assert text_of(at).count("](proposal?c=solutions-jeunes&lang=en&id=") == min(
        idea["proposals"], 50)



def test_a_proposal_s_own_page_in_german(demo):
    divisive = demo["controversials"][0]
    at = open_page("pages/proposal.py", id=divisive["id"], lang="de")
    assert at.title[0].value == "Vorschlag"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ich stimme zu"] == f"{round(divisive['agree'])}\u00a0%"
    text = text_of(at)
    assert f"Stimmen: {divisive['votes']:,}".replace(",", ".") in text
    assert "Große Idee: [" in text
    assert [s.value for s in at.subheader][1:] == ["Scores (untere – obere Grenze)",
                                                   "Nach Segment"]

@pytest.mark.parametrize("params", [{"id": "nope"}, {"idea": "<b>x</b>"}, {}])
def test_a_wrong_address_says_so(params):
    at = open_page("pages/proposal.py", **params)
    assert len(at.info) == 1 and not at.error


def test_the_source_sits_under_the_x_axis_s_labels_and_title():
    """Plotly's automargin would grow the bottom margin for the axis after the source was
    placed (in paper units): the room is reserved, so the source lands under the axis."""
    from analytics.present.charts import style

    layout = {"height": 450, "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
              "xaxis": {"title": {"text": "Votes received"}}}
    changes = style.source_changes(layout, ["Source: Make.org"])
    extra = 16 + 8                                  # one line of 16 px, 8 px of air
    assert changes["height"] == 450 + extra
    assert changes["margin"]["b"] == 24 + 30 + extra  # tick labels, title, then the source
    plot = 450 + extra - 60 - changes["margin"]["b"]
    assert changes["annotations"][-1]["y"] == pytest.approx(-(changes["margin"]["b"] - 4) / plot)
    # No axis title: only the tick labels' room; a hidden axis: none.
    untitled = style.source_changes({**layout, "xaxis": {}}, ["Source: Make.org"])
    assert untitled["margin"]["b"] == 24 + extra
    hidden = style.source_changes({**layout, "xaxis": {"visible": False}}, ["Source: Make.org"])
    assert hidden["margin"]["b"] == 10 + extra


def test_a_long_title_wraps_at_a_phone_s_width_and_the_plot_keeps_its_size():
    """Plotly never wraps a title: a 62-character German title is cut at 390 px. At draw
    time (with the source) it is broken at 44 characters and set under a 30 px band kept
    for the toolbar; the top margin and the height grow by that band and one line of
    21 px, and what is placed from the top keeps its place under the title."""
    from analytics.present.charts import style

    title = "Teilnahme nach Geschlecht: Teilnehmende und Gesamtbevölkerung"
    layout = {"height": 400, "margin": {"t": 60, "b": 10},
              "title": {"text": title, "x": 0, "xanchor": "left"},
              "legend": {"yref": "container", "y": 1 - 48 / 400, "yanchor": "top"}}
    changes = style.title_changes(layout)
    assert changes["title"]["text"] == ("Teilnahme nach Geschlecht: Teilnehmende und"
                                        "<br>Gesamtbevölkerung")
    assert changes["title"]["x"] == 0 and changes["title"]["yanchor"] == "top"
    grown = 30 + 21
    assert changes["height"] == 400 + grown and changes["margin"] == {"t": 60 + grown, "b": 10}
    # Its top under the band (6 px), raised by half a line as plotly sets two lines.
    assert (1 - changes["title"]["y"]) * 451 == pytest.approx(30 + 6 + 21 / 2)
    assert (1 - changes["legend"]["y"]) * 451 == pytest.approx(48 + grown)
    # With the source: both, and the plot is as high as under a short title.
    both = style.source_changes(layout, ["Source: Make.org"])
    short = style.source_changes({**layout, "title": {"text": "Teilnahme"}}, ["Source"])
    assert both["title"]["text"] == changes["title"]["text"]
    assert both["height"] == short["height"] + 21
    assert (both["height"] - both["margin"]["t"] - both["margin"]["b"]
            == short["height"] - short["margin"]["t"] - short["margin"]["b"])
    # A short title: only the band; a title placed from the top keeps its place under it.
    placed = style.title_changes({"height": 300, "title": {"text": "Votes per day", "y": 0.96,
                                                             "yanchor": "top"}})
    assert placed["title"]["text"] == "Votes per day" and placed["height"] == 330
    assert (1 - placed["title"]["y"]) * 330 == pytest.approx(0.04 * 300 + 30)
    assert style.title_changes({"title": {"text": ""}}) == {}
    assert "title" not in style.source_changes({"layout": 1}, ["Source"])


def test_wrap_markup_counts_what_a_label_shows():
    from analytics.present.charts import style

    # "&lt;b&gt;" shows 3 characters, "<b>" none: 10 + 1 + 10 = 21 shown on the first line.
    assert style.wrap_markup("&lt;b&gt;1234567 <b>1234567890</b> next", 21) == (
        "&lt;b&gt;1234567 <b>1234567890</b><br>next")
    assert style.wrap_markup("one<br>two three", 5) == "one<br>two<br>three"
    assert style.wrap_markup("Unabhängigkeitserklärungen kurz", 10) == (
        "Unabhängigkeitserklärungen<br>kurz")              # a long word stays whole


def test_legend_rows_as_a_phone_lays_them_out():
    """Entries are 40 px plus 7 px a character; a phone's chart is 338 px wide."""
    from analytics.present.charts import style

    assert style.legend_rows([]) == 0
    assert style.legend_rows(["Agree", "Love it"]) == 1                  # 75 + 89 px
    # 173 + 89 = 262, then 131 does not fit (393): a second row with 131 + 89 + 89 = 309.
    assert style.legend_rows(["Ich stimme nicht zu", "Neutral", "Ich stimme zu", "Favorit",
                              "Machbar"]) == 2
    # As a grid: the widest entry (24 characters, 208 px) leaves room for one column.
    assert style.legend_rows(["Ich stimme zu", "davon „Favorit“", "Ich stimme nicht zu",
                              "davon „Auf keinen Fall!“"], grid=True) == 4
    assert style.legend_rows(["Agree", "of which “Love it”", "Disagree",
                              "of which “No way!”"], grid=True) == 2    # 166 px: two columns
