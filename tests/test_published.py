"""Published Make.org results JSON: every real file keeps exactly its numbers,
split charts are merged, dimensions and languages are worked out from the file,
bad shapes are reported with their JSON paths."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.consultations.open import open_source
from analytics.consultations.published import join_label
from analytics.inputs.errors import InputError
from analytics.inputs.language import detect_language
from analytics.present.makeorg import to_makeorg

ROOT = Path(__file__).resolve().parent.parent


def published_files(shared_data):
    files = sorted((shared_data / "makeorg-results").glob("*.json"))
    assert len(files) >= 24
    return files


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(folder, name, data):
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def same(a, b):
    """Equal values of the same type (an integer stays an integer)."""
    return a == b and type(a) is type(b)


def merged_charts(charts):
    """An independent merge of "(1/2)" "(2/2)" charts: name -> data in part order."""
    merged, parts = {}, {}
    for chart in charts:
        match = re.match(r"^(.*?)\s*\((\d+)/(\d+)\)\s*$", chart["name"])
        name = match.group(1) if match else chart["name"]
        part = int(match.group(2)) if match else 0
        parts.setdefault(name, []).append((part, chart["data"]))
    for name, items in parts.items():
        merged[name] = [row for _, data in sorted(items, key=lambda x: x[0]) for row in data]
    return merged


def participation_rows(results, chart):
    if chart["dimension"] == "other":
        return results["participation"]["other"][chart["name"]]
    return results["participation"][chart["dimension"]]


# -- every real file ------------------------------------------------------------------------

def test_every_real_file_keeps_its_numbers(shared_data):
    for path in published_files(shared_data):
        data = load(path)
        results = open_source(path).results()
        name = path.name
        # Big ideas, axis by axis, in the file's order, integers as published.
        assert [a["name"] for a in results["top_ideas"]] == [a["name"] for a in data["top_ideas"]]
        for axis, published in zip(results["top_ideas"], data["top_ideas"], strict=True):
            assert len(axis["ideas"]) == len(published["ideas"]), name
            for idea, original in zip(axis["ideas"], published["ideas"], strict=True):
                assert idea["idea"] == original["idea"]
                for key in ("agreement", "adhesion", "realistic"):
                    assert same(idea[key], original[key]), (name, idea["idea"], key)
                assert idea["zone"] is None and idea["top_score"] is None
        # Controversial and rejected proposals, as published.
        for key in ("controversials", "rejected"):
            items = results[key]
            assert len(items) == len(data.get(key, [])), (name, key)
            for item, original in zip(items, data.get(key, []), strict=True):
                assert item["content"] == original["content"]
                assert item["author"] == original.get("author")
                for number in ("agree", "disagree", "like_it", "no_way", "votes"):
                    expected = original.get(number)
                    assert item[number] == expected and type(item[number]) is type(expected), \
                        (name, key, number)
        # Cartography pies: percents in order, colours kept, split pies merged.
        published_pies = merged_charts(data["cartography"])
        assert [c["name"] for c in results["cartography"]] == list(published_pies)
        for chart in results["cartography"]:
            rows = published_pies[chart["name"]]
            assert [d["percent"] for d in chart["data"]] == [r["percent"] for r in rows]
            assert [d["color"] for d in chart["data"]] == [r.get("color") for r in rows]
            assert all(d["label"] == d["label"].strip() and "  " not in d["label"]
                       for d in chart["data"])
        # Participation: one chart per published chart (halves merged), bars in order.
        published_charts = merged_charts(data["participation"])
        described = results["participation_charts"]
        assert [c["name"] for c in described] == list(published_charts), name
        for chart in described:
            rows = participation_rows(results, chart)
            original = published_charts[chart["name"]]
            share = f"{chart['measure']}_share"
            assert [r["label"] for r in rows] == [o["label"].strip() for o in original]
            if chart["type"] == "pie":
                assert [r[share] for r in rows] == [o["percent"] for o in original]
            else:
                assert [r[share] for r in rows] == [o["bars"]["first"] for o in original]
                assert [r["population_share"] for r in rows] == \
                    [o["bars"].get("second") for o in original]
            assert all(r["participants"] is None and r["votes"] is None for r in rows)
        # The original object comes back unchanged.
        assert to_makeorg(results) == data, name


def test_split_charts_of_real_files_are_one_chart(shared_data):
    data = load(shared_data / "makeorg-results" / "commerce-demain.json")
    results = open_source(shared_data / "makeorg-results" / "commerce-demain.json").results()
    halves = [c for c in data["participation"] if c["name"].startswith("Participation par région")]
    assert [c["name"] for c in halves] == ["Participation par région (1/2)",
                                           "Participation par région (2/2)"]
    regions = results["participation"]["region"]
    assert [r["label"] for r in regions] == [row["label"] for half in halves
                                             for row in half["data"]]
    chart = next(c for c in results["participation_charts"] if c["dimension"] == "region")
    assert chart["name"] == "Participation par région" and chart["parts"] == 2


def test_cli_round_trips_and_emits_json(shared_data):
    for name in ("commerce-demain.json", "finanzbranche.json", "27-arte-en.json"):
        path = shared_data / "makeorg-results" / name
        run = subprocess.run([sys.executable, "-m", "analytics", "results", str(path),
                              "--format", "makeorg"], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout) == load(path)
        run = subprocess.run([sys.executable, "-m", "analytics", "results", str(path),
                              "--format", "json"], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        output = json.loads(run.stdout)
        assert output["source"]["kind"] == "published"
        assert output["top_ideas"][0]["ideas"][0]["agreement"] == \
            load(path)["top_ideas"][0]["ideas"][0]["agreement"]


def test_languages_of_real_files(shared_data):
    folder = shared_data / "makeorg-results"
    languages = {p.name: open_source(p).results()["consultation"]["language"]
                 for p in published_files(shared_data)}
    assert languages["27-arte-en.json"] == "en"
    assert languages["27-arte.json"] == "fr"
    assert languages["finanzbranche.json"] == "de"
    assert languages["unser-europa.json"] == "de"
    assert all(lang == "fr" for name, lang in languages.items()
               if name not in ("27-arte-en.json", "finanzbranche.json", "unser-europa.json"))
    assert folder.is_dir()


def test_french_places_get_their_insee_codes(shared_data):
    folder = shared_data / "makeorg-results"
    regions = open_source(folder / "commerce-demain.json").results()["participation"]["region"]
    codes = {r["label"]: r.get("code") for r in regions}
    assert codes["Île-de-France"] == "11"
    assert codes["Provence-Alpes-Côte d'Azur"] == "93"
    assert codes["Outre-mer"] is None            # several régions: no single code
    assert sum(code is not None for code in codes.values()) == 13
    # "Participation par région" whose labels are départements ("Loire Atlantique (44)").
    results = open_source(folder / "sante-paysdelaloire.json").results()
    assert results["participation"]["region"] == []
    codes = [r.get("code") for r in results["participation"]["department"]]
    assert codes == ["44", "49", "85", "72", "53"]
    # Misspelt département ("Ille et Villaine") and a trailing space ("Côtes-d'Armor ").
    results = open_source(folder / "bretagne-vivre-ensemble.json").results()
    assert [r.get("code") for r in results["participation"]["department"]] == \
        ["22", "29", "35", "56"]
    # German Länder are a region dimension without French codes.
    results = open_source(folder / "finanzbranche.json").results()
    assert results["participation"]["region"]
    assert not any(r.get("code") for r in results["participation"]["region"])
    assert results["consultation"]["country"] is None


def test_measure_follows_the_legend(shared_data):
    folder = shared_data / "makeorg-results"
    french = open_source(folder / "commerce-demain.json").results()
    assert {c["measure"] for c in french["participation_charts"]} == {"votes"}
    assert all("votes_share" in r and "participants_share" not in r
               for r in french["participation"]["age_band"])
    # German: the bars are "Teilnehmende" (participants), even under "Stimmenverteilung".
    german = open_source(folder / "finanzbranche.json").results()
    assert {c["measure"] for c in german["participation_charts"]} == {"participants"}
    genders = {r["label"]: r for r in german["participation"]["gender"]}
    assert genders["Männlich"]["participants_share"] == 75
    assert genders["Männlich"]["gender"] == "male"
    assert genders["Nichtbinär"]["gender"] == "other"
    # The first half of the Länder chart has a stray population label ("xœ"): the
    # second half's is the merged chart's; the original keeps both.
    chart = next(c for c in german["participation_charts"] if c["dimension"] == "region")
    assert chart["population_label"] == "Gesamtbevölkerung"
    assert german["makeorg"]["participation"][0]["legend"]["dimensions"]["second"] == "xœ"


def test_german_thousands_separator_in_key_figures(shared_data):
    path = shared_data / "makeorg-results" / "finanzbranche.json"
    source = open_source(path)
    results = source.results()
    assert results["key_figures"] == {"participants": 4744, "proposals": 605, "votes": 48085,
                                      "votes_target": None}
    assert results["published_key_figures"] == {"visitors": 4.744, "votes": 48.085,
                                                "proposals": 605}
    assert results["makeorg"]["key_figures"]["visitors"] == 4.744
    assert "published_thousands" in [n["code"] for n in results["notes"]]
    assert any("4.744" in w for w in source.warnings)
    # Files with plain counts are untouched.
    other = open_source(shared_data / "makeorg-results" / "numerique-durable.json").results()
    assert other["key_figures"]["participants"] == 169421
    assert "published_key_figures" not in other


def test_context_gives_question_and_dates(shared_data):
    consultation = open_source(shared_data / "makeorg-results" / "egalite-femmes-hommes.json") \
        .results()["consultation"]
    assert consultation["question"] == "Comment assurer l'égalité femmes-hommes dans " \
                                       "l'économie ?"
    assert (consultation["start_date"], consultation["end_date"]) == ("2019-12-03",
                                                                      "2020-01-25")
    # No title in the file: its question, never a name made from the file name.
    assert consultation["title"] == consultation["question"]
    assert consultation["slug"] == "egalite-femmes-hommes"


# -- hand-made files ------------------------------------------------------------------------

def histogram(name, rows, first="votes", second="population générale", title=None):
    return {"type": "histogram", "unit": "percentage", "name": name,
            "legend": {"title": title or name,
                       "dimensions": {"first": first, "second": second}},
            "data": [{"label": label, "bars": {"first": a, "second": b}}
                     for label, a, b in rows]}


def small_file(**parts):
    data = {"context": "Consultation citoyenne réalisée par Make.org, autour de la question : "
                       "Que faire ?",
            "top_ideas": [{"name": "Axe", "ideas": [{"idea": "Une idée", "agreement": 90,
                                                     "adhesion": 40, "realistic": 30}]}],
            "controversials": [], "cartography": [], "participation": []}
    data.update(parts)
    return data


def test_split_chart_is_merged_in_part_order(tmp_path):
    second = histogram("Participation par région (2/2)", [("Bretagne", 4, 5), ("Corse", 1, 1)])
    first = histogram("Participation par région (1/2)", [("Île-de-France", 30, 18),
                                                         ("Grand Est", 8, 8)])
    path = write(tmp_path, "split.json", small_file(participation=[second, first]))
    results = open_source(path).results()
    rows = results["participation"]["region"]
    assert [r["label"] for r in rows] == ["Île-de-France", "Grand Est", "Bretagne", "Corse"]
    assert [r["votes_share"] for r in rows] == [30, 8, 4, 1]
    assert [r["population_share"] for r in rows] == [18, 8, 5, 1]
    assert [r["code"] for r in rows] == ["11", "44", "53", "94"]
    assert results["participation_charts"] == [{
        "name": "Participation par région", "type": "histogram", "dimension": "region",
        "key": "region", "measure": "votes", "first_label": "votes",
        "population_label": "population générale", "parts": 2}]
    assert results["consultation"]["country"] == "FR"
    assert to_makeorg(results) == load(path)


def test_german_file(tmp_path):
    data = {
        "context": "Diese Konsultation ist Teil des Prozesses. Junge Bürgerinnen und Bürger "
                   "teilten ihre Prioritäten und Wünsche für das Europa von morgen mit.",
        "top_ideas": [{"name": "Bildung", "ideas": [
            {"idea": "Mehr politische Bildung in der Schule", "agreement": 81,
             "adhesion": 35, "realistic": 24}]}],
        "controversials": [{"content": "Man sollte die Wehrpflicht wieder einführen.",
                            "author": "Lena", "agree": 44, "disagree": 46}],
        "cartography": [{"type": "pie", "unit": "percentage", "name": "Angesprochene Themen",
                         "legend": "", "data": [
                             {"label": "Wirtschaft, Arbeit", "sublabel": " und Soziales",
                              "percent": 60, "color": "#4B45A5"},
                             {"label": "Sonstiges", "percent": 40, "color": "#ffffff"}]}],
        "participation": [
            histogram("Beteiligung nach Alter", [("08-15", 9, 7), ("16-24", 51, 9)],
                      first="Teilnehmer:innen", second="Gesamtbevölkerung",
                      title="Stimmenverteilung"),
            {"type": "pie", "unit": "percentage", "name": "Beteiligung nach Geschlecht",
             "legend": "", "data": [{"label": "weiblich", "percent": 55},
                                    {"label": "männlich", "percent": 43},
                                    {"label": "nichtbinär", "percent": 2}]}],
    }
    results = open_source(write(tmp_path, "unser-europa.json", data)).results()
    assert results["consultation"]["language"] == "de"
    # No title, no question: the context's first sentence.
    assert results["consultation"]["title"] == "Diese Konsultation ist Teil des Prozesses."
    ages = results["participation"]["age_band"]
    assert [(r["label"], r["participants_share"], r["population_share"]) for r in ages] == \
        [("08-15", 9, 7), ("16-24", 51, 9)]
    genders = results["participation"]["gender"]
    assert [(r["gender"], r["participants_share"]) for r in genders] == \
        [("female", 55), ("male", 43), ("other", 2)]
    assert [d["label"] for d in results["cartography"][0]["data"]] == \
        ["Wirtschaft, Arbeit und Soziales", "Sonstiges"]
    assert results["controversials"][0]["like_it"] is None
    assert results["controversials"][0]["votes"] is None


def test_unknown_chart_is_kept_under_other(tmp_path):
    chart = histogram("Participation par catégorie socio-professionnelle",
                      [("Cadres", 30, 20), ("Employés", 25, 27)])
    results = open_source(write(tmp_path, "csp.json",
                                small_file(participation=[chart]))).results()
    other = results["participation"]["other"]
    assert list(other) == ["Participation par catégorie socio-professionnelle"]
    assert [(r["label"], r["votes_share"]) for r in other[chart["name"]]] == \
        [("Cadres", 30), ("Employés", 25)]
    assert results["participation_charts"][0]["dimension"] == "other"
    assert results["participation_charts"][0]["key"] == chart["name"]


def test_dimension_from_labels_when_the_name_says_nothing(tmp_path):
    ages = histogram("Qui a voté ?", [("18-24 ans", 20, 10), ("65 ans et plus", 30, 25)])
    results = open_source(write(tmp_path, "x.json", small_file(participation=[ages]))).results()
    assert [r["label"] for r in results["participation"]["age_band"]] == \
        ["18-24 ans", "65 ans et plus"]


def test_language_comes_from_the_words_not_the_file_name(tmp_path):
    english = small_file(context="Citizen consultation carried out by Make.org around the "
                                 "question: how can we act for the climate of the future?")
    english["top_ideas"][0]["ideas"][0]["idea"] = "Invest in public transport for all people"
    results = open_source(write(tmp_path, "climate-fr.json", english)).results()
    assert results["consultation"]["language"] == "en"
    assert detect_language([], hint="de") == "de"         # nothing to go by: the hint
    assert detect_language(["Il faut que les villes soient plus vertes"]) == "fr"


def test_join_label():
    assert join_label("Types de commerce", " et concurrence") == "Types de commerce et concurrence"
    assert join_label("Aides et ", "subventions") == "Aides et subventions"
    assert join_label("Commerce de", "proximité") == "Commerce de proximité"
    assert join_label("Formation", "") == "Formation"
    assert join_label("Éco-", "logie") == "Éco-logie"


def test_bad_shapes_are_reported_with_their_json_path(tmp_path):
    data = small_file()
    data["top_ideas"] += [{"name": "B", "ideas": "none"},
                          {"name": "C", "ideas": [{"idea": "x", "agreement": "abc"}]}]
    data["controversials"] = [{"content": "Il faut", "agree": 50}]
    data["participation"] = [{"type": "bars", "name": "x", "data": []},
                             {"type": "pie", "name": "Genre", "data": [{"label": "femmes",
                                                                         "percent": None}]}]
    path = write(tmp_path, "bad.json", data)
    with pytest.raises(InputError) as error:
        open_source(path)
    assert error.value.report().splitlines() == [
        "bad.json: top_ideas[1].ideas: expected a list, found \"none\"",
        "bad.json: top_ideas[2].ideas[0].agreement: expected a number, found \"abc\"",
        "bad.json: controversials[0].disagree: expected a number, found nothing",
        "bad.json: participation[0].type: expected \"histogram\" or \"pie\", found \"bars\"",
        "bad.json: participation[1].data[0].percent: expected a number, found nothing",
    ]
    run = subprocess.run([sys.executable, "-m", "analytics", "validate", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert "top_ideas[2].ideas[0].agreement: expected a number" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b'{"top_ideas": [', "invalid JSON"),
    (b"[1, 2]", "wrong shape"),
    (b'{"slug": "x", "title": "y"}', "not a Make.org results file"),
    ("{\"context\": \"é\"}".encode("latin-1"), "not UTF-8"),
])
def test_files_that_are_not_results(tmp_path, content, message):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        open_source(path)
    assert message in error.value.report()
