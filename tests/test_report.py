"""The full report (analytics.present.report): one self-contained HTML file, every piece of user
text escaped, the key figures, both languages, privacy, the CLI; and, when Chromium is
available, the file opened offline with every chart drawn and no request made."""

import re
import subprocess
import sys

import pytest
from builders import write_bundle

from analytics import i18n
from analytics.consultations.open import open_source
from analytics.metrics.engine import Options
from analytics.metrics.segment import Segment
from analytics.present.report import build_report, d3_geojson

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
# 60 participants: 0-29 female in Île-de-France, 30-54 male in Bretagne, 55-59 other (5).
PARTICIPANTS = [{"participant_id": f"person-{i}",
                 "gender": "female" if i < 30 else "male" if i < 55 else "other",
                 "age": 20 if i % 2 else 45, "region_code": "11" if i < 30 else "53"}
                for i in range(60)]
PROPOSALS = [
    {"proposal_id": "p1", "content": f"Il faut {SCRIPT} partout", "author_name": "<b>Eve</b>",
     "idea_id": "i1", "tags": "theme:Emploi"},
    {"proposal_id": "p2", "content": f"Il faut {IMG} ici", "author_name": "Ana",
     "idea_id": "i1", "tags": "theme:Ecole"},
    {"proposal_id": "p3", "content": "Il faut des pistes cyclables", "author_name": "Bob",
     "idea_id": "i2", "tags": "theme:Transports"},
    {"proposal_id": "p4", "content": "Il faut = des formules", "author_name": "Cid",
     "idea_id": "i2", "tags": ""},
]
IDEAS = [{"idea_id": "i1", "name": f"Idée {SCRIPT}", "axis": "Axe <i>un</i>"},
         {"idea_id": "i2", "name": "Idée deux", "axis": "Axe deux"}]
ACTIONS = [{"name": f"Action {IMG}", "description": SCRIPT, "objective": "Former 100 jeunes",
            "carriers": ["Association <b>X</b>"], "proposal_ids": ["p1"],
            "quotes": [f"« {SCRIPT} » — Eve"]}]
CONSULTATION = {"slug": "hostile", "title": f"Consultation {SCRIPT}", "question": IMG,
                "language": "fr", "country": "FR", "start_date": "2024-01-10",
                "end_date": "2024-02-20", "votes_target": 400, "context": SCRIPT,
                "partners": ["<b>Partenaire</b>"]}


def votes():
    rows = []
    for i in range(60):
        for j, proposal in enumerate(("p1", "p2", "p3", "p4")):
            if (i + j) % 5 == 4:
                continue
            agree = (i < 30) == (j % 2 == 0)
            rows.append({"proposal_id": proposal, "participant_id": f"person-{i}",
                         "vote": "agree" if agree else "disagree" if i % 7 else "neutral",
                         "qualification": "likeIt" if agree and i % 3 == 0 else ""})
    return rows


VOTES = votes()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "hostile"
    write_bundle(folder, proposals=PROPOSALS, votes=VOTES, ideas=IDEAS,
                 participants=PARTICIPANTS, consultation=CONSULTATION, actions=ACTIONS)
    return open_source(folder)


@pytest.fixture(scope="module")
def report_fr(source):
    return build_report(source, "fr", Options(min_votes=10))


def without_plotly(document: str) -> str:
    """The document minus the inlined plotly.js (whose code mentions URLs in strings)."""
    import plotly.offline

    return document.replace(plotly.offline.get_plotlyjs(), "")


def test_report_is_self_contained(report_fr):
    import plotly.offline

    assert report_fr.startswith("<!DOCTYPE html>")
    assert report_fr.count(plotly.offline.get_plotlyjs()) == 1      # inlined once
    rest = without_plotly(report_fr)
    # Nothing to fetch: no external script, style sheet, font, image or frame.
    assert not re.search(r"<(script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=",
                         rest, re.I)
    assert not re.search(r"<link\b", rest, re.I)
    assert not re.search(r"@import|@font-face|url\s*\(", rest, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?\s*//", rest, re.I)
    # The only http(s) addresses are plain links (credits), never resources.
    for match in re.finditer(r"https?://", rest):
        before = rest[max(0, match.start() - 10):match.start()]
        assert 'href="' in before, rest[match.start() - 80:match.start() + 80]
    assert "Plotly.newPlot" in rest


def test_user_text_is_escaped_everywhere(report_fr):
    rest = without_plotly(report_fr)
    assert "<script>alert" not in rest
    assert "<img src=x" not in rest.lower()
    assert "<b>Eve</b>" not in rest and "<b>Partenaire</b>" not in rest
    assert "<i>un</i>" not in rest
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rest         # shown as typed
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in rest
    # Every <script> element is ours: plotly.js, the base map stub and the figures.
    import plotly.offline

    starts = (plotly.offline.get_plotlyjs()[:40], "window.PlotlyGeoAssets", "window.PLOTLYENV")
    for match in re.finditer(r"<script\b[^>]*>", report_fr, re.I):
        assert match.group(0) in ("<script>", '<script type="text/javascript">')
        assert report_fr[match.end():match.end() + 200].lstrip().startswith(starts)


def test_report_holds_the_whole_consultation(report_fr, source):
    results = source.results()
    figures = results["key_figures"]
    block = re.search(r'id="key-figures">(.*?)<p', report_fr, re.S).group(1)
    for value in (figures["participants"], figures["proposals"], figures["votes"]):
        assert f'<div class="value">{i18n.integer(value, "fr")}</div>' in block
    assert figures == {"participants": 60, "proposals": 4, "votes": len(VOTES),
                       "votes_target": 400}
    for section in ("ideas", "split", "controversy", "rejection", "debate", "participation",
                    "groups", "actions", "sources"):
        assert f'<section id="{section}">' in report_fr, section
    for title in ("Les grandes idées", "Les propositions les plus controversées",
                  "Cartographie du débat", "Participation", "Groupes d'opinion",
                  "Le plan d'actions", "Sources et méthode"):
        assert f"<h2>{title.replace(chr(39), '&#x27;')}</h2>" in report_fr, title
    assert "Du 10 janvier 2024 au 20 février 2024" in report_fr
    assert "Former 100 jeunes" in report_fr
    assert report_fr.count('class="plot"') >= 8
    assert "person-" not in report_fr                    # no participant id anywhere


def test_report_in_english(source):
    document = build_report(source, "en", groups=False)
    assert '<html lang="en">' in document
    assert "The big ideas" in document and "The action plan" in document
    assert f'<div class="value">{i18n.integer(len(VOTES), "en")}</div>' in document
    assert '<section id="groups">' not in document


def test_report_in_german(source):
    document = build_report(source, "de", Options(min_votes=10))
    assert '<html lang="de">' in document
    for heading in ("Inhalt", "Die großen Ideen", "Die umstrittensten Vorschläge",
                    "Meinungsgruppen", "Quellen und Methode"):
        assert f"<h2>{heading}</h2>" in document, heading
    assert "<title>Consultation &lt;script&gt;alert(1)&lt;/script&gt; · Vollständiger Bericht" \
        in document
    assert "Vom 10. Januar 2024 bis 20. Februar 2024" in document
    # German numbers: 48 % with a no-break space, as CLDR writes it.
    assert f"{len(VOTES)} Stimmen bei einem Ziel von 400 (48\u00a0%)" in document
    assert "<strong>Die Frage</strong>: &lt;img" in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document and SCRIPT not in document


def test_privacy_in_a_small_segment(source):
    document = build_report(source, "fr", Options(segment=Segment(gender="other")))
    assert "moins de 10 participants" in document
    assert '<section id="controversy">' not in document
    assert '<section id="groups">' not in document
    rest = without_plotly(document)
    assert '<div class="value">–</div>' in rest          # participants and votes hidden


def test_segment_report_hides_cells_under_ten(source):
    document = build_report(source, "en", Options(segment=Segment(gender="male")))
    assert "Results restricted to the segment" in document
    assert '<section id="groups">' in document
    # 25 men: shown; the five "other" participants never appear as a count.
    assert '<div class="value">25</div>' in document


def test_region_rings_are_wound_for_d3():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]            # counterclockwise
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]   # clockwise
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "geometry": {"type": "Polygon",
                                                     "coordinates": [square, hole]}}]}
    rings = d3_geojson(geojson)["features"][0]["geometry"]["coordinates"]
    assert rings[0] == square[::-1] and rings[1] == hole[::-1]
    assert geojson["features"][0]["geometry"]["coordinates"][0] == square   # copy


def test_cli_writes_the_report(source, tmp_path):
    out = tmp_path / "rapport.html"
    done = subprocess.run([sys.executable, "-m", "analytics", "report", str(source.path),
                           "--out", str(out), "--lang", "en", "--no-groups"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = subprocess.run([sys.executable, "-m", "analytics", "report", str(tmp_path / "nope"),
                          "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_polis_report_carries_the_attribution(shared_data):
    source = open_source(shared_data / "polis" / "brexit-consensus")
    document = build_report(source, "en")
    rest = without_plotly(document)
    assert "CC BY 4.0" in rest
    assert '<a href="https://compdemocracy.org/case-studies/2017-brexit-consensus">' in rest
    assert '<section id="groups">' in rest and "What sets group A apart" in rest
    assert '<section id="notes">' in rest and "This data does not describe participants" in rest


def test_every_real_input_gives_a_report(shared_data):
    """Published results (24 files), the proposal export and the Polis conversations: each
    gives a report with the sections its data allows and says what is missing."""
    paths = [*sorted((shared_data / "makeorg-results").glob("*.json")),
             *sorted((shared_data / "makeorg-open-data").glob("*.csv"))]
    assert len(paths) >= 25
    for path in paths:
        document = build_report(open_source(path), "en", groups=True)
        sections = re.findall(r'<section id="([a-z-]+)">', document)
        assert {"controversy", "rejection", "notes", "sources"} <= set(sections), path.name
        assert "groups" not in sections
        assert "Opinion groups need each participant" in document
        if path.suffix == ".json":
            assert "ideas" in sections, path.name


# -- in a browser, offline ------------------------------------------------------------------

def test_report_opens_offline_in_a_browser(report_fr, tmp_path):
    pytest.importorskip("playwright")
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent / "browser"))
    from harness import browser, chromium_path

    if chromium_path() is None:
        pytest.skip("Chromium is not installed")
    path = tmp_path / "rapport.html"
    path.write_text(report_fr, encoding="utf-8")
    with browser() as chrome:
        context = chrome.new_context(offline=True, viewport={"width": 1200, "height": 900})
        page = context.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".every(p => p.querySelector('.main-svg'))", timeout=60_000)
        counts = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => [p.data.length,"
            " p.querySelectorAll('path.choroplethlocation, .point, .bars path, .hm, "
            "image, .scatterlayer path, canvas.gl-canvas-context').length])")
        context.close()
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    assert len(counts) == report_fr.count('class="plot"')
    assert all(traces > 0 and marks > 0 for traces, marks in counts), counts
