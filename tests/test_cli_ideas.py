"""`python -m analytics ideas PATH` and `results --ideas`: ideas found in the
proposals' texts from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from builders import votes_for, write_bundle

from analytics import cli
from analytics.metrics import found_ideas
from analytics.metrics.found_ideas import IdeaSet

TOPICS = {
    "vélo": ["Il faut créer plus de pistes cyclables sécurisées en ville",
             "Il faut développer les pistes cyclables entre les villages",
             "Il faut aider à acheter un vélo électrique",
             "Il faut des parkings à vélos sécurisés près des gares",
             "Il faut apprendre le vélo à tous les enfants à l'école",
             "Il faut relier les pistes cyclables des communes voisines",
             "Il faut rembourser la réparation des vélos",
             "Il faut des pistes cyclables séparées des voitures",
             "Il faut louer des vélos électriques moins cher",
             "Il faut plus de vélos en libre-service dans les villes moyennes",
             "Il faut autoriser les vélos dans tous les trains",
             "Il faut sécuriser les carrefours pour les vélos"],
    "école": ["Il faut moins d'élèves par classe à l'école primaire",
              "Il faut mieux payer les professeurs des écoles",
              "Il faut former les professeurs au numérique",
              "Il faut des cantines scolaires avec des produits locaux",
              "Il faut recruter plus de professeurs remplaçants",
              "Il faut rénover les écoles et les collèges",
              "Il faut aider les élèves en difficulté après la classe",
              "Il faut enseigner l'informatique dès le collège",
              "Il faut plus d'infirmières scolaires dans les collèges",
              "Il faut réduire les effectifs des classes au collège",
              "Il faut des professeurs formés au handicap",
              "Il faut ouvrir les écoles le mercredi pour le soutien scolaire"],
    "santé": ["Il faut plus de médecins dans les campagnes",
              "Il faut rouvrir les petits hôpitaux de proximité",
              "Il faut mieux payer les infirmières à l'hôpital",
              "Il faut des maisons de santé dans chaque canton",
              "Il faut rembourser les soins dentaires",
              "Il faut former plus de médecins généralistes",
              "Il faut réduire l'attente aux urgences de l'hôpital",
              "Il faut aider les jeunes médecins à s'installer à la campagne",
              "Il faut développer la téléconsultation avec un médecin",
              "Il faut recruter des infirmières dans les hôpitaux publics",
              "Il faut rembourser les lunettes et les soins auditifs",
              "Il faut des centres de santé ouverts le soir"],
}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ideas") / "bundle"
    proposals, votes, start = [], [], 0
    for topic, texts in TOPICS.items():
        for i, text in enumerate(texts):
            proposal_id = f"{topic[:3]}{i:02d}"
            proposals.append({"proposal_id": proposal_id, "content": text,
                              "author_name": "Léa"})
            counts = {"agree": 3 + i % 4, "disagree": 1 + i % 3, "neutral": 1}
            votes += votes_for(proposal_id, counts, start=start)
            start += sum(counts.values())
    return write_bundle(folder, proposals=proposals, votes=votes)


def run(*args, cache=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if cache is not None:
        env["CONSULTATIONS_CACHE"] = str(cache)
    return subprocess.run([sys.executable, "-m", "analytics", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=600)


def without_seconds(text: str) -> dict:
    data = json.loads(text)
    assert isinstance(data.pop("seconds"), int | float)
    return data


def test_ideas_json_is_complete_and_deterministic(bundle, tmp_path):
    first = run("ideas", bundle, "--format", "json", cache=tmp_path / "a")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    data = json.loads(first.stdout)
    assert set(data) == {"language", "method", "edited", "ideas", "assignments",
                         "unassigned", "seconds"}
    assert data["language"] == "fr" and data["edited"] is False
    assert isinstance(data["method"], dict)
    ids = [p for texts in TOPICS.values() for p in texts]
    assert len(data["assignments"]) == len(ids)
    assert len({a["proposal_id"] for a in data["assignments"]}) == len(ids)
    known = {idea["idea_id"] for idea in data["ideas"]}
    for idea in data["ideas"]:
        assert set(idea) == {"idea_id", "name", "axis", "keywords", "proposals", "examples"}
        assert idea["proposals"] == sum(a["idea_id"] == idea["idea_id"]
                                        for a in data["assignments"])
    assert all(a["idea_id"] is None or a["idea_id"] in known for a in data["assignments"])
    assert data["unassigned"] == sum(a["idea_id"] is None for a in data["assignments"])
    assert first.stdout == json.dumps(data, ensure_ascii=False, indent=2,
                                      allow_nan=False) + "\n"
    # Computed again without the cache, then read back from the first run's cache.
    second = run("ideas", bundle, "--format", "json", cache=tmp_path / "b")
    third = run("ideas", bundle, "--format", "json", cache=tmp_path / "a")
    assert second.returncode == 0 and third.returncode == 0, second.stderr + third.stderr
    assert without_seconds(second.stdout) == without_seconds(first.stdout)
    assert without_seconds(third.stdout) == without_seconds(first.stdout)


def test_ideas_out_writes_files_that_read_back(bundle, tmp_path):
    out = tmp_path / "out" / "ideas"
    result = run("ideas", bundle, "--out", out, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert "ideas.csv" in result.stderr and "proposal_ideas.csv" in result.stderr
    data = json.loads(result.stdout)
    ideas_csv = (out / "ideas.csv").read_bytes()
    links_csv = (out / "proposal_ideas.csv").read_bytes()
    assert ideas_csv.decode("utf-8").splitlines()[0] == "idea_id,name,axis"
    assert links_csv.decode("utf-8").splitlines()[0] == "proposal_id,idea_id"
    proposal_ids = [a["proposal_id"] for a in data["assignments"]]
    back = IdeaSet.from_csv(ideas_csv, links_csv, proposal_ids)
    assert back.idea_of() == {a["proposal_id"]: a["idea_id"] for a in data["assignments"]}
    table = back.ideas_table()
    assert table["idea_id"].tolist() == [i["idea_id"] for i in data["ideas"]]
    assert table["name"].tolist() == [i["name"] for i in data["ideas"]]
    assert table["axis"].tolist() == [i["axis"] for i in data["ideas"]]


@pytest.mark.parametrize("value", ["0", "-2", "deux", "1.5"])
def test_ideas_count_must_be_a_positive_whole_number(bundle, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ideas", str(bundle), "--ideas", value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "--ideas" in err and "expected a whole number above 0" in err
    assert "Traceback" not in err


def test_bad_ideas_value_from_the_shell(bundle):
    result = run("ideas", bundle, "--ideas", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "whole number above 0" in result.stderr and result.stdout == ""


@pytest.fixture()
def fake_finder(monkeypatch):
    calls = []

    def fake(frame, *, language=None, n_ideas=None, progress=None, cache=True):
        calls.append({"n_ideas": n_ideas, "language": language, "rows": len(frame)})
        if progress:
            progress(0.5, "grouping")
            progress(1.0, "done")
        ids = frame["proposal_id"].tolist()
        k = n_ideas or 2
        ideas = pd.DataFrame({"idea_id": [f"i{j}" for j in range(k)],
                              "name": [f"Idée {j}" for j in range(k)],
                              "axis": ["Axe"] * k, "keywords": [["mot"]] * k,
                              "examples": [ids[j::k][:2] for j in range(k)]})
        assignments = pd.DataFrame({"proposal_id": ids,
                                    "idea_id": [f"i{j % k}" for j in range(len(ids))],
                                    "similarity": [0.25] * len(ids)})
        return IdeaSet(ideas, assignments, language=language, method={"name": "fake"})

    monkeypatch.setattr(found_ideas, "find_ideas", fake)
    return calls


def test_ideas_count_is_passed_and_progress_shown(bundle, fake_finder, capsys):
    assert cli.main(["ideas", str(bundle), "--ideas", "4"]) == 0
    captured = capsys.readouterr()
    assert fake_finder == [{"n_ideas": 4, "language": "fr", "rows": 36}]
    data = json.loads(captured.out)
    assert [i["idea_id"] for i in data["ideas"]] == ["i0", "i1", "i2", "i3"]
    assert data["assignments"][0] == {"proposal_id": "vél00", "idea_id": "i0",
                                      "similarity": 0.25}
    assert "100.0% done" in captured.err and captured.err.endswith("\n")


def test_ideas_on_published_results_is_refused(shared_data, capsys):
    path = shared_data / "makeorg-results" / "commerce-demain.json"
    assert cli.main(["ideas", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "commerce-demain.json is a published input without the proposals' texts" \
        in captured.err
    assert "Traceback" not in captured.err


def test_ideas_on_an_export(tmp_path, fake_finder, capsys):
    path = tmp_path / "export.csv"
    path.write_text("proposition,votes,adhesion,engagement,score\n"
                    "Il faut A,10,0.7,0.2,0.9\nIl faut B,5,0.5,0.1,0.6\n", encoding="utf-8")
    assert cli.main(["ideas", str(path), "--ideas", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [a["proposal_id"] for a in data["assignments"]] == ["2", "3"]


def results_json(capsys, *args) -> dict:
    assert cli.main(["results", *map(str, args)]) == 0
    return json.loads(capsys.readouterr().out)


def test_results_ideas_option(bundle, fake_finder, capsys):
    auto = results_json(capsys, bundle)
    assert auto["ideas_source"] == "found" and sorted(auto["ranked_ideas"]) == ["i0", "i1"]
    assert auto["found_ideas"]["other_name"] == "Autres propositions"
    assert all(p["similarity"] == 0.25 for p in auto["proposals"])
    found = results_json(capsys, bundle, "--ideas", "found")
    assert found["ideas_source"] == "found"
    given = results_json(capsys, bundle, "--ideas", "given")
    assert given["ideas_source"] is None and given["top_ideas"] == []
    none = results_json(capsys, bundle, "--ideas", "none")
    assert none["ideas_source"] is None and none["found_ideas"] is None
    makeorg = results_json(capsys, bundle, "--format", "makeorg")
    assert [axis["name"] for axis in makeorg["top_ideas"]] == ["Axe"]
    assert sorted(i["idea"] for i in makeorg["top_ideas"][0]["ideas"]) == ["Idée 0", "Idée 1"]
    assert all(isinstance(i["agreement"], int) for i in makeorg["top_ideas"][0]["ideas"])
    assert len(fake_finder) == 3        # one per process run of the command (auto, found, makeorg)


def test_results_ideas_bad_choice(bundle, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["results", str(bundle), "--ideas", "maybe"])
    assert exit_.value.code == 2
    assert "invalid choice: 'maybe'" in capsys.readouterr().err


def test_results_found_ideas_on_published_results_is_refused(shared_data, capsys):
    path = shared_data / "makeorg-results" / "commerce-demain.json"
    assert cli.main(["results", str(path), "--ideas", "found"]) == 2
    err = capsys.readouterr().err
    assert "without the proposals' texts" in err and "Traceback" not in err
    given = results_json(capsys, path, "--ideas", "given")
    assert given["ideas_source"] == "given"
