"""Big ideas found in the proposals' texts, in the app: the ideas page, the debate
map and the segments page on a bundle without an ideas table and on a real Polis
conversation (each says in one sentence that the ideas were found automatically,
with a link to the method); the corrections (rename, merge, move) and their
round trip through ideas.csv + proposal_ideas.csv; the HTML report's note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from builders import votes_for, write_bundle
from streamlit.testing.v1 import AppTest

from analytics.consultations.open import open_source
from analytics.metrics.found_ideas import IdeaSet
from analytics.present.charts import ideas as idea_charts
from pages import ui
from tests.apptest import charts_of

ROOT = Path(__file__).resolve().parent.parent
FOUND = "found-ideas-test"
NOTE_FR = "trouvées automatiquement dans les textes"
NOTE_EN = "found automatically in the proposals' texts"
METHOD_LINK = f"#{idea_charts.METHOD_ANCHOR}"
# Three themes in distinct words, five proposals each, four variants of each.
THEMES = {
    "velo": ["Créer plus de pistes cyclables sécurisées en ville",
             "Développer le vélo pour aller au travail avec des pistes cyclables",
             "Financer l'achat de vélos électriques",
             "Installer des parkings à vélos près des gares",
             "Rendre les pistes cyclables continues entre les villes"],
    "ecole": ["Mieux payer les enseignants de l'école publique",
              "Réduire le nombre d'élèves par classe à l'école",
              "Former les enseignants au numérique à l'école",
              "Recruter plus d'enseignants dans les écoles rurales",
              "Ouvrir l'école aux parents d'élèves"],
    "sante": ["Ouvrir plus de lits à l'hôpital public",
              "Augmenter le salaire des infirmières de l'hôpital",
              "Installer des médecins dans les déserts médicaux",
              "Rembourser les soins dentaires par la sécurité sociale",
              "Réduire l'attente aux urgences de l'hôpital"],
}


def build(folder: Path) -> Path:
    """60 proposals in three themes, 16 votes each, 30 participants: no ideas table."""
    proposals, votes = [], []
    for theme, texts in THEMES.items():
        for variant in range(4):
            for j, content in enumerate(texts):
                pid = f"{theme}{variant}{j}"
                proposals.append({"proposal_id": pid, "author_name": "Ana",
                                  "content": content + (f" ({variant})" if variant else "")})
                votes += votes_for(pid, {"agree/likeIt": 3 + j, "agree": 6,
                                         "disagree": 4 + variant, "neutral": 3})
    people = [{"participant_id": f"u{i}", "gender": "female" if i % 2 else "male",
               "age": 20 + i, "region_code": "11" if i % 3 else "84"} for i in range(30)]
    return write_bundle(folder / FOUND, proposals=proposals, votes=votes, participants=people,
                        consultation={"slug": FOUND, "title": FOUND, "country": "FR",
                                      "language": "fr"})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("found-ideas")
    build(root)
    return root


@pytest.fixture(scope="module")
def results(folder):
    return open_source(folder / FOUND).results()


def open_app(folder: Path, page: str, consultation: str = FOUND, *, lang=None, state=None,
             **params) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["c"] = consultation
    if lang:
        at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(folder, monkeypatch):
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))

    def run(page="pages/ideas.py", **kwargs):
        return open_app(folder, page, **kwargs)
    return run


def infos(at) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", info.value) for info in at.info]


def found_note(at, words: str = NOTE_FR) -> str:
    notes = [text for text in infos(at) if words in text]
    assert len(notes) == 1, infos(at)
    return notes[0]


def idea_names(results: dict) -> list[str]:
    return [idea["name"] for idea in results["found_ideas"]["ideas"]]


# -- the engine's results the pages read ----------------------------------------------------

def test_the_bundle_gets_found_ideas(results):
    assert results["ideas_source"] == "found"
    assert len(idea_names(results)) >= 2
    assert results["top_ideas"] and results["ranked_ideas"]


def test_found_note_and_method_text(results):
    note = idea_charts.found_note(results, "fr")
    assert note.startswith(f"Ces {len(idea_names(results))} idées ont été trouvées")
    assert idea_charts.found_note({"ideas_source": "given"}, "fr") is None
    method = " ".join(idea_charts.method_paragraphs(results, "en"))
    for word in ("normalised", "lemma", "TF-IDF", "latent semantic", "k-means", "deterministic",
                 "cached",
                 results["found_ideas"]["other_name"]):
        assert word in method, word
    parameters = dict(idea_charts.method_parameters(results, "en"))
    assert parameters["Language"] == "French"


# -- the ideas page -------------------------------------------------------------------------

def test_ideas_page_shows_found_ideas_with_note_and_method(app, results):
    at = app()
    note = found_note(at)
    assert METHOD_LINK in note
    ticks = " ".join(" ".join(axis.get("ticktext") or [])
                     for spec in charts_of(at) for key, axis in spec["layout"].items()
                     if key.startswith("yaxis"))
    first = results["top_ideas"][0]["ideas"][0]["idea"]
    assert first.split()[0] in ticks
    headers = [h.value for h in at.subheader]
    assert idea_charts.method_title("fr") in headers
    # Each idea's keywords and representative proposals, in an expander per idea.
    labels = [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]
    for name in idea_names(results):
        assert any(name in label for label in labels), (name, labels)


def test_ideas_page_in_english(app):
    at = app(lang="en")
    assert METHOD_LINK in found_note(at, NOTE_EN)
    assert idea_charts.method_title("en") in [h.value for h in at.subheader]


def test_ideas_page_in_german(app, results):
    at = app(lang="de")
    note = found_note(at, "wurden automatisch in den Texten der Vorschläge gefunden")
    assert METHOD_LINK in note and "Wie diese Ideen gefunden wurden" in note
    assert "Wie diese Ideen gefunden wurden" in [h.value for h in at.subheader]
    assert "Was jede Idee enthält" in [h.value for h in at.header]
    parameters = dict(idea_charts.method_parameters(results, "de"))
    assert parameters["Sprache"] == "Französisch"
    # The "other" group keeps the name written in the proposals' language (stored).
    method = " ".join(idea_charts.method_paragraphs(results, "de"))
    assert "„Autres propositions“" in method


def test_first_computation_is_kept_for_every_rerun(folder, monkeypatch):
    import analytics.metrics.found_ideas

    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder))
    at = open_app(folder, "pages/ideas.py")
    entry = next(iter(ui.consultations()))
    first = ui._source(str(entry.path), entry.version).found_ideas()
    assert first is not None and len(first.ideas) >= 2

    def again(*args, **kwargs):
        raise AssertionError("the ideas were found a second time")
    monkeypatch.setattr(analytics.metrics.found_ideas, "find_ideas", again)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert ui._source(str(entry.path), entry.version).found_ideas() is first
    # The progress bar of the first computation is not replayed on later runs.
    assert not at.get("progress")


def _edited(at) -> IdeaSet:
    edited = at.session_state[ui.EDITED_IDEAS]
    assert list(edited) == [FOUND]
    return edited[FOUND][0]


def test_rename_merge_move_then_round_trip_through_the_csv_files(app, folder, results):
    at = app()
    ids = [idea["idea_id"] for idea in results["found_ideas"]["ideas"]]
    first, second = ids[0], ids[1]
    # Rename
    at.selectbox(key="ideas-rename-idea").set_value(first).run()
    at.text_input(key=f"ideas-rename-name-{first}").input("Mobilités douces").run()
    at.button(key="ideas-rename-apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    renamed = _edited(at)
    assert renamed.ideas.set_index("idea_id").loc[first, "name"] == "Mobilités douces"
    # The whole page now uses the corrected ideas, and says they were corrected.
    assert "corrigées" in found_note(at)
    ticks = " ".join(" ".join(spec["layout"]["yaxis"].get("ticktext") or [])
                     for spec in charts_of(at)[:1])
    assert "Mobilités douces" in ticks
    # Merge the two first ideas into the first
    at.multiselect(key="ideas-merge-ideas").set_value([first, second]).run()
    at.selectbox(key="ideas-merge-into").set_value(first).run()
    at.button(key="ideas-merge-apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    merged = _edited(at)
    assert second not in set(merged.ideas["idea_id"])
    assert len(merged.ideas) == len(ids) - 1
    # Move two proposals of the merged idea to the "other" group
    members = [p for p, i in merged.idea_of().items() if i == first]
    at.selectbox(key="ideas-move-from").set_value(first).run()
    which = at.multiselect(key=f"ideas-move-which-{first}")
    assert len(which.options) == len(members)       # the group's proposals are offered
    moving = sorted(members[:2])
    which.set_value(moving).run()
    at.selectbox(key="ideas-move-to").set_value("__other__").run()
    at.button(key="ideas-move-apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    moved = _edited(at)
    assert all(moved.idea_of()[p] is None for p in moving)
    assert moved.unassigned == merged.unassigned + 2
    # What the download buttons give, read back as an upload would be
    ideas_csv, links_csv = moved.to_csv()
    assert ideas_csv.decode().splitlines()[0] == "idea_id,name,axis"
    assert "Mobilités douces" in ideas_csv.decode()
    back = IdeaSet.from_csv(ideas_csv, links_csv, moved.assignments["proposal_id"].tolist())
    assert back.idea_of() == moved.idea_of()
    assert back.to_csv() == moved.to_csv()
    # Uploaded back in a new session (the files as downloaded), the same ideas
    fresh = open_app(folder, "pages/ideas.py")
    assert "corrigées" not in found_note(fresh)
    upload_files(fresh, ideas_csv, links_csv)
    assert _edited(fresh).to_csv() == moved.to_csv()
    assert "corrigées" in found_note(fresh)
    assert "corrigées" in found_note(fresh)
    spec = charts_of(fresh)[0]
    assert len(spec["layout"]["yaxis"]["ticktext"]) + sum(
        len(spec["layout"][k].get("ticktext") or []) for k in spec["layout"]
        if k.startswith("yaxis") and k != "yaxis") >= 1
    assert "Mobilités douces" in " ".join(
        " ".join(axis.get("ticktext") or []) for key, axis in spec["layout"].items()
        if key.startswith("yaxis"))
    other = [m.value for m in fresh.markdown if "Autres propositions" in m.value]
    assert other, "the other group is shown"
    # Reset: back to the found ideas
    fresh.button(key="ideas-reset").click().run()
    assert not fresh.exception
    assert FOUND not in fresh.session_state[ui.EDITED_IDEAS]
    assert "corrigées" not in found_note(fresh)


def upload_files(at, ideas_csv: bytes, links_csv: bytes) -> None:
    uploaders = {uploader.key: uploader for uploader in at.file_uploader}
    uploaders["ideas-upload"].set_value(("ideas.csv", ideas_csv, "text/csv"))
    uploaders["ideas-links-upload"].set_value(("proposal_ideas.csv", links_csv, "text/csv"))
    at.run()
    at.button(key="ideas-upload-apply").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_bad_upload_is_shown_with_file_row_and_column(app):
    at = app()
    upload_files(at, b"idea_id,name,axis\nidea-01,Un,\nidea-01,Deux,\n",
                 b"proposal_id,idea_id\nvelo00,idea-09\n")
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert len(errors) == 1, errors
    assert "ideas.csv, row 3, column idea_id: duplicate idea_id" in errors[0]
    assert "proposal_ideas.csv, row 2, column idea_id: unknown idea" in errors[0]
    assert "Traceback" not in errors[0]
    with pytest.raises(KeyError):
        at.session_state[ui.EDITED_IDEAS]            # nothing applied


def test_a_bad_upload_is_reported_with_file_row_and_column(results):
    ideas_csv = b"idea_id,name,axis\nidea-01,Un,\nidea-01,Deux,\n"
    links_csv = b"proposal_id,idea_id\nvelo00,idea-09\n"
    from analytics.inputs.errors import InputError

    with pytest.raises(InputError) as caught:
        IdeaSet.from_csv(ideas_csv, links_csv, ["velo00"])
    report = caught.value.report()
    assert "ideas.csv" in report and "row 3" in report and "idea_id" in report


# -- debate map and segments ----------------------------------------------------------------

def test_debate_map_colours_by_found_idea(app, results):
    at = app("pages/debate_map.py", colour="idea")     # the link carries the code
    assert METHOD_LINK in found_note(at)
    assert at.segmented_control(key="colour").value == "idea"
    legend = {trace["name"] for trace in charts_of(at)[0]["data"]}
    ranked = [i for i in results["ranked_ideas"]]
    names = {i["idea_id"]: i["name"] for i in results["found_ideas"]["ideas"]}
    assert names[ranked[0]][:20] in " ".join(legend)


def test_debate_map_note_links_to_the_ideas_page(app):
    at = app("pages/debate_map.py")
    assert f"ideas?c={FOUND}{METHOD_LINK}" in found_note(at)


def test_segments_compare_a_found_idea(app, results):
    at = app("pages/segments.py")
    assert METHOD_LINK in found_note(at)
    assert at.segmented_control(key="of").value == "idea"
    item = at.selectbox(key="item")
    assert set(item.options) and item.value in results["ranked_ideas"]
    # Three comparison charts (gender, age, région) with the found idea's cells.
    assert len(charts_of(at)) >= 3


def test_report_says_the_ideas_were_found(folder, results):
    from analytics.present.report import build_report

    html = build_report(open_source(folder / FOUND), "fr", groups=False)
    assert "trouvées automatiquement dans les textes" in html
    assert f'href="{METHOD_LINK}"' in html and f'id="{idea_charts.METHOD_ANCHOR}"' in html
    assert idea_names(results)[0] in html


def test_report_uses_the_corrected_ideas(folder, results):
    from analytics.present.report import build_report

    source = open_source(folder / FOUND)
    first = results["found_ideas"]["ideas"][0]["idea_id"]
    corrected = source.found_ideas().rename(first, "Nom corrigé à la main")
    html = build_report(source, "en", groups=False, idea_set=corrected)
    assert "Nom corrigé à la main" in html
    assert "they were corrected in this session" in html


# -- a real Polis conversation --------------------------------------------------------------

@pytest.fixture
def polis(shared_data, monkeypatch):
    folder = shared_data / "polis" / "brexit-consensus"
    if not folder.is_dir():
        pytest.skip(f"real Polis conversation not available: {folder} is absent")
    monkeypatch.setenv("CONSULTATIONS_PATH", str(folder.parent))
    from analytics.consultations import catalog

    entry = next(e for e in catalog.discover([folder.parent]) if e.path == folder)
    return folder, entry


@pytest.mark.parametrize("page", ["pages/ideas.py", "pages/debate_map.py"])
def test_polis_conversation_gets_found_ideas(polis, page):
    folder, entry = polis
    at = open_app(folder, page, consultation=entry.id, lang="en")
    assert METHOD_LINK in found_note(at, NOTE_EN)
    # The CC BY 4.0 attribution stays visible.
    assert any("CC BY" in re.sub(r"\\(.)", r"\1", c.value) for c in at.caption)
    if page == "pages/ideas.py":
        results = open_source(folder).results()
        name = results["top_ideas"][0]["ideas"][0]["idea"]
        ticks = " ".join(" ".join(axis.get("ticktext") or [])
                         for spec in charts_of(at)[:1]
                         for key, axis in spec["layout"].items() if key.startswith("yaxis"))
        assert name in ticks
