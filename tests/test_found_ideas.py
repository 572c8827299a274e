"""Ideas found in the texts (analytics.metrics.found_ideas): the finding itself on small
hand-written corpora (French, English, German, Chinese), the "other" group, tiny
inputs, the on-disk store, the editor's round trip through CSV, and the real
exports (skipped when ../shared/data is absent).

The corpora share a boilerplate opening ("Il faut", "We should", "Man sollte") and
endings ("dans chaque département", "in every city", "in jeder Stadt") across
topics, so that an idea found by those words instead of the topic fails."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.inputs.errors import InputError
from analytics.metrics.found_ideas import IdeaFinder, IdeaSet, find_ideas, store

# -- corpora ---------------------------------------------------------------------------------
# topic -> (cores, words one of which the idea's name must hold). Each proposal is an
# opening + a core + an ending; each core comes with three of the five endings.

FRENCH = {
    "openings": ("Il faut", "Il faudrait", "Il faut vraiment"),
    "endings": ("", "dans chaque département", "pour les jeunes", "partout en France",
                "dès maintenant"),
    "topics": {
        "transports": ((
            "développer les pistes cyclables sécurisées",
            "rendre les transports en commun gratuits",
            "augmenter la fréquence des bus et des trains régionaux",
            "installer des parkings à vélos près des gares",
            "aider les salariés à venir au travail à vélo",
            "baisser le prix des billets de train",
            "ouvrir de nouvelles lignes de bus la nuit",
            "relier les villages aux gares par des navettes de bus",
        ), ("vélo", "cyclable", "bus", "train", "transport", "gare", "navette")),
        "alimentation": ((
            "servir des repas bio dans les cantines scolaires",
            "soutenir les agriculteurs qui vendent en circuits courts",
            "interdire les pesticides dans les champs des agriculteurs",
            "créer des marchés de producteurs locaux",
            "réduire le gaspillage alimentaire dans les cantines",
            "payer un prix juste aux agriculteurs",
            "proposer un menu végétarien dans les cantines",
            "aider les jeunes agriculteurs à s'installer en bio",
        ), ("agricult", "cantine", "bio", "alimentaire", "producteur", "circuit", "repas",
            "pesticide")),
        "santé": ((
            "ouvrir des maisons de santé contre les déserts médicaux",
            "former davantage de médecins généralistes",
            "embaucher des infirmières dans les hôpitaux",
            "rembourser les consultations chez le psychologue",
            "rouvrir les services d'urgences fermés des hôpitaux",
            "augmenter le salaire des soignants à l'hôpital",
            "installer des médecins dans les déserts médicaux",
            "réduire l'attente aux urgences des hôpitaux",
        ), ("médec", "hôpita", "santé", "soignant", "urgence", "infirm", "médic",
            "psycholog")),
        "logement": ((
            "construire plus de logements sociaux",
            "encadrer les loyers des logements dans les grandes villes",
            "rénover les logements mal isolés",
            "aider les étudiants à trouver un logement",
            "réquisitionner les logements vides depuis des années",
            "baisser les loyers des logements étudiants",
            "isoler les passoires thermiques des propriétaires",
            "construire des résidences étudiantes avec des loyers bas",
        ), ("logement", "loyer", "isol", "résidence", "passoire", "propriétaire")),
    },
    "banned": {"il", "faut", "faudrait", "vraiment", "développer", "rendre", "augmenter",
               "installer", "aider", "baisser", "ouvrir", "créer", "interdire", "réduire",
               "proposer", "construire", "département", "france", "maintenant", "chaque",
               "partout"},
}

ENGLISH = {
    "openings": ("We should", "We should really", "I think we should"),
    "endings": ("", "in every city", "for young people", "across the country",
                "as soon as possible"),
    "topics": {
        "transport": ((
            "build safe bike lanes",
            "make public transport free",
            "run more buses and trains in the evening",
            "put bike parking next to every train station",
            "pay employees who cycle to work",
            "cut the price of train tickets",
            "open night bus lines",
            "connect villages to train stations with shuttle buses",
        ), ("bike", "bus", "train", "transport", "cycl", "shuttle", "station")),
        "waste": ((
            "ban single use plastic bags in shops",
            "recycle plastic bottles with a deposit scheme",
            "put recycling bins in every street",
            "reduce plastic packaging in supermarkets",
            "collect food waste for compost",
            "fine companies that dump waste in rivers",
            "make producers pay for recycling their packaging",
            "teach children how to sort waste and recycle",
        ), ("plastic", "recycl", "waste", "packaging", "compost", "bin", "bottle")),
        "schools": ((
            "hire more teachers in primary schools",
            "cut class sizes in public schools",
            "pay teachers a better salary",
            "give every pupil a free school lunch",
            "fund music lessons in schools",
            "train teachers to spot bullying at school",
            "renovate old school buildings",
            "offer free tutoring to pupils who fall behind",
        ), ("teacher", "school", "pupil", "class", "tutoring", "lesson")),
    },
    "banned": {"we", "should", "really", "think", "build", "make", "run", "put", "pay",
               "cut", "open", "ban", "reduce", "hire", "give", "city", "every", "young",
               "people", "country", "soon", "possible"},
}

GERMAN = {
    "openings": ("Man sollte", "Wir müssen", "Man sollte endlich"),
    "endings": ("", "in jeder Stadt", "für junge Menschen", "im ganzen Land",
                "so schnell wie möglich"),
    "topics": {
        "verkehr": ((
            "sichere Radwege bauen",
            "den Nahverkehr kostenlos machen",
            "mehr Busse und Züge am Abend fahren lassen",
            "Fahrradständer an jedem Bahnhof aufstellen",
            "Pendler unterstützen die mit dem Fahrrad zur Arbeit fahren",
            "die Preise für Bahntickets senken",
            "neue Nachtbuslinien einrichten",
            "Dörfer mit Bussen an den Bahnhof anbinden",
        ), ("rad", "bus", "bahn", "zug", "züge", "verkehr", "fahr")),
        "schule": ((
            "mehr Lehrer an Grundschulen einstellen",
            "die Klassen in den Schulen verkleinern",
            "Lehrer besser bezahlen",
            "jedem Schüler ein kostenloses Mittagessen in der Schule geben",
            "Musikunterricht an Schulen fördern",
            "Lehrer gegen Mobbing in der Schule schulen",
            "alte Schulgebäude sanieren",
            "kostenlose Nachhilfe für schwache Schüler anbieten",
        ), ("lehrer", "schul", "schüler", "klasse", "nachhilfe", "unterricht")),
        "gesundheit": ((
            "mehr Hausärzte auf dem Land ansiedeln",
            "Pflegekräfte in Krankenhäusern besser bezahlen",
            "kleine Krankenhäuser nicht schließen",
            "Wartezeiten beim Facharzt verkürzen",
            "Psychotherapie schneller bezahlen",
            "mehr Pflegekräfte für Krankenhäuser ausbilden",
            "Notaufnahmen in Krankenhäusern entlasten",
            "Medizinstudium für Hausärzte ausbauen",
        ), ("arzt", "ärzt", "kranken", "pflege", "notaufnahme", "psycho", "medizin")),
    },
    "banned": {"man", "sollte", "wir", "müssen", "endlich", "bauen", "machen", "stadt",
               "jeder", "junge", "menschen", "land", "ganzen", "schnell", "möglich"},
}


def corpus(spec: dict) -> pd.DataFrame:
    rows = []
    for topic, (cores, _) in spec["topics"].items():
        for i, core in enumerate(cores):
            for j in range(3):
                opening = spec["openings"][(i + j) % len(spec["openings"])]
                ending = spec["endings"][(i + 2 * j) % len(spec["endings"])]
                rows.append((f"{topic[:3]}{i}{j}", f"{opening} {core} {ending}".strip(), topic))
    return pd.DataFrame(rows, columns=["proposal_id", "content", "topic"])


CHINESE = {
    "交通": ["应该修建更多安全的自行车道", "应该让公共交通免费", "应该增加公交车和地铁的班次",
           "应该在地铁站旁边建自行车停车场", "应该降低地铁票价", "应该开通夜间公交车线路",
           "应该用公交车连接农村和城市", "应该鼓励大家骑自行车上班", "应该延长地铁运营时间",
           "应该给公交车修专用车道", "应该在公交车站增加座椅", "应该让自行车道连成网络"],
    "教育": ["应该给学校招聘更多老师", "应该减少每个班级的学生人数", "应该提高老师的工资",
           "应该给每个学生提供免费午餐", "应该在学校开设音乐课", "应该培训老师预防校园欺凌",
           "应该翻新老旧的学校教学楼", "应该为落后的学生提供免费辅导", "应该减轻学生的作业负担",
           "应该让老师有更多培训机会", "应该在学校建图书馆", "应该让学生多参加体育课"],
    "医疗": ["应该在农村建设更多医院", "应该培养更多全科医生", "应该提高护士的工资",
           "应该缩短医院看病的等待时间", "应该把心理咨询纳入医疗保险", "应该给医院增加急诊医生",
           "应该降低药品价格", "应该让医生去农村医院工作", "应该扩大医疗保险的报销范围",
           "应该给护士减少夜班", "应该在社区开设医疗诊所", "应该让医院预约更方便"],
}


def chinese_corpus() -> pd.DataFrame:
    rows = [(f"{topic}{i}", sentence, topic) for topic, sentences in CHINESE.items()
            for i, sentence in enumerate(sentences)]
    return pd.DataFrame(rows, columns=["proposal_id", "content", "topic"])


def found_labels(idea_set: IdeaSet, ids) -> list[str]:
    of = idea_set.idea_of()
    return [of[p] or "(other)" for p in ids]


def without_seconds(idea_set: IdeaSet) -> dict:
    data = idea_set.to_json()
    data.pop("seconds")
    return data


# -- determinism ------------------------------------------------------------------------------

def test_two_runs_give_the_same_ideas():
    table = corpus(FRENCH)[["proposal_id", "content"]]
    first = find_ideas(table, cache=False)
    second = find_ideas(table.copy(), cache=False)
    assert len(first.ideas) >= 2
    assert without_seconds(first) == without_seconds(second)


# -- languages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, language", [(FRENCH, "fr"), (ENGLISH, "en"), (GERMAN, "de")],
                         ids=["fr", "en", "de"])
def test_topics_are_found_and_named_by_a_topic_word(spec, language):
    table = corpus(spec)
    assert 60 <= len(table) <= 120
    idea_set = find_ideas(table[["proposal_id", "content"]], cache=False)
    assert idea_set.language == language
    assert idea_set.method["features"] == "lemmas and lemma pairs"
    labels = found_labels(idea_set, table["proposal_id"])
    ari = adjusted_rand_score(table["topic"], labels)
    # Short rewrites in varied words share few of them: the method is lexical, so far
    # from perfect here (0.28-0.58, README "Big ideas found in the texts"), and far
    # from chance (0), which the generic endings alone would give.
    assert ari >= 0.25, (ari, idea_set.ideas[["idea_id", "name"]].to_dict("records"))
    assert idea_set.unassigned <= 0.15 * len(table)
    # Each idea is named by a word of the topic most of its proposals are about,
    # never by the boilerplate, an action verb or a shared ending.
    topic_of = dict(zip(table["proposal_id"], table["topic"], strict=True))
    assignments = idea_set.assignments.dropna(subset=["idea_id"])
    for row in idea_set.ideas.itertuples(index=False):
        members = assignments.loc[assignments["idea_id"] == row.idea_id, "proposal_id"]
        topic = pd.Series([topic_of[p] for p in members]).mode()[0]
        name = row.name.lower()
        words = set(re.findall(r"\w+", name))
        assert any(stem in name for stem in spec["topics"][topic][1]), (row.name, topic)
        assert not words & spec["banned"], (row.name, words & spec["banned"])


def test_chinese_is_read_as_character_ngrams():
    table = chinese_corpus()
    idea_set = find_ideas(table[["proposal_id", "content"]], cache=False)
    assert idea_set.language == "zh"
    assert "character" in idea_set.method["features"]
    assert len(idea_set.ideas) >= 2
    assert all(name.strip() for name in idea_set.ideas["name"])
    assert len(idea_set.assignments) == len(table)
    # The names are Chinese text, not placeholders.
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in idea_set.ideas["name"])


# -- the other group ---------------------------------------------------------------------------

ONE_OFFS = ["Le chat de ma voisine ronronne fort", "xqzv blorft wümpel grakk",
            "Bonjour à tous et merci", "Quelle belle journée ensoleillée aujourd'hui",
            "zzzz aaaa qqqq", "Mon oncle collectionne les timbres anciens"]


def test_one_offs_and_empty_texts_go_to_no_idea():
    table = corpus(FRENCH)[["proposal_id", "content"]]
    extra = pd.DataFrame({"proposal_id": [f"odd{i}" for i in range(len(ONE_OFFS))] +
                          ["empty", "blank", "none"],
                          "content": [*ONE_OFFS, "", "   ", None]})
    idea_set = find_ideas(pd.concat([table, extra], ignore_index=True), cache=False)
    of = idea_set.idea_of()
    assert len(idea_set.ideas) >= 2
    assert [p for p in extra["proposal_id"] if of[p] is not None] == []
    assert idea_set.unassigned >= len(extra)
    assert idea_set.unassigned == sum(v is None for v in of.values())
    assert idea_set.to_json()["unassigned"] == idea_set.unassigned


@pytest.mark.parametrize("n", [0, 1, 3])
def test_tiny_inputs_give_no_idea(n):
    table = corpus(FRENCH)[["proposal_id", "content"]].head(n)
    idea_set = find_ideas(table, cache=False)
    assert len(idea_set.ideas) == 0
    assert len(idea_set.assignments) == n
    assert idea_set.unassigned == n
    json.dumps(idea_set.to_json(), allow_nan=False)


# -- the store ---------------------------------------------------------------------------------

def test_store_keeps_the_ideas_and_ignores_a_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv(store.CACHE_VARIABLE, str(tmp_path))
    table = corpus(ENGLISH)[["proposal_id", "content"]]
    first = find_ideas(table)
    files = list((tmp_path / "ideas").glob("*.json"))
    assert len(files) == 1
    assert [p.name for p in (tmp_path / "ideas").iterdir()] == [files[0].name]  # no .part

    real_fit = IdeaFinder.fit

    def refuse(self, *args, **kwargs):
        raise AssertionError("fit called although the ideas are kept")

    monkeypatch.setattr(IdeaFinder, "fit", refuse)
    again = find_ideas(table)
    assert again.to_json() == first.to_json()
    assert again.idea_of() == first.idea_of()

    files[0].write_text('{"ideas": [1, 2', encoding="utf-8")
    with pytest.raises(AssertionError, match="fit called"):
        find_ideas(table)            # the corrupt file is not trusted
    monkeypatch.setattr(IdeaFinder, "fit", real_fit)
    rebuilt = find_ideas(table)
    assert without_seconds(rebuilt) == without_seconds(first)
    assert json.loads(files[0].read_text(encoding="utf-8"))["ideas"]   # rewritten
    monkeypatch.setattr(IdeaFinder, "fit", refuse)
    assert without_seconds(find_ideas(table)) == without_seconds(first)


def test_a_different_text_is_not_served_from_the_store(tmp_path, monkeypatch):
    monkeypatch.setenv(store.CACHE_VARIABLE, str(tmp_path))
    table = corpus(ENGLISH)[["proposal_id", "content"]]
    find_ideas(table)
    changed = table.copy()
    changed.loc[0, "content"] = "We should build safe bike lanes in every village"
    find_ideas(changed)
    assert len(list((tmp_path / "ideas").glob("*.json"))) == 2


# -- the editor's round trip -------------------------------------------------------------------

@pytest.fixture(scope="module")
def found():
    """An IdeaSet as find_ideas returns them, built from the corpus's topics (so that
    the editor is tested whatever the finding gives while it is tuned)."""
    table = corpus(FRENCH)
    topics = list(FRENCH["topics"])
    ids = {topic: f"idea-{i + 1:02d}" for i, topic in enumerate(topics)}
    ideas = pd.DataFrame({
        "idea_id": [ids[t] for t in topics], "name": [t.capitalize() for t in topics],
        "axis": ["Vivre", "Vivre", "Soigner", None],
        "keywords": [list(FRENCH["topics"][t][1][:3]) for t in topics],
        "examples": [table.loc[table["topic"] == t, "proposal_id"].head(3).tolist()
                     for t in topics]})
    assignments = pd.DataFrame({
        "proposal_id": table["proposal_id"],
        "idea_id": pd.Series([ids[t] for t in table["topic"]], dtype=object),
        "similarity": 0.5})
    assignments.loc[len(assignments) - 1, ["idea_id", "similarity"]] = [None, float("nan")]
    return table[["proposal_id", "content"]], IdeaSet(ideas, assignments, language="fr",
                                                      method={"name": "by hand"})


def test_corrections_survive_the_csv_round_trip(found):
    table, idea_set = found
    ids = idea_set.ideas["idea_id"].tolist()
    assert len(ids) >= 3
    edited = idea_set.merge([ids[1]], into=ids[0])
    moved = table["proposal_id"].tolist()[:4]
    edited = edited.move(moved[:2], ids[2]).move(moved[2:], None)
    edited = edited.rename(ids[2], "  Santé   publique, « proches » ").set_axis(ids[0], "Axe, un")
    back = IdeaSet.from_csv(*edited.to_csv(), table["proposal_id"], language="fr")
    assert back.idea_of() == edited.idea_of()
    assert back.idea_of()[moved[0]] == ids[2] and back.idea_of()[moved[3]] is None
    assert back.ideas[["idea_id", "name", "axis"]].to_dict("records") == \
        edited.ideas[["idea_id", "name", "axis"]].to_dict("records")
    assert ids[1] not in set(back.ideas["idea_id"])
    assert "Santé publique, « proches »" in set(back.ideas["name"])
    assert back.unassigned == edited.unassigned == 3
    assert back.edited


def _error(ideas: str | bytes, links: str | bytes, ids=("p1", "p2")) -> str:
    def encode(value):
        return value if isinstance(value, bytes) else value.encode("utf-8")

    with pytest.raises(InputError) as caught:
        IdeaSet.from_csv(encode(ideas), encode(links), list(ids))
    return str(caught.value)


def test_from_csv_errors_name_file_row_and_column():
    ideas = "idea_id,name,axis\ni1,Vélo,\ni2,Santé,\n"
    message = _error(ideas, "proposal_id,idea_id\np1,i1\npX,i2\n")
    assert "proposal_ideas.csv, row 3, column proposal_id: unknown proposal" in message
    assert "'pX'" in message
    message = _error(ideas, "proposal_id,idea_id\np1,i1\np2,i9\n")
    assert "proposal_ideas.csv, row 3, column idea_id: unknown idea" in message
    assert "'i9'" in message
    message = _error("idea_id,name\ni1,Vélo\ni1,Encore\n", "proposal_id,idea_id\np1,i1\n")
    assert "ideas.csv, row 3, column idea_id: duplicate idea_id" in message
    assert "already at row 2" in message
    message = _error("idea_id,title\ni1,Vélo\n", "proposal_id,idea_id\np1,i1\n")
    assert "ideas.csv, row 1, column name: required column is missing" in message
    message = _error("idea_id,name\ni1,Vélo\n", "proposal_id\np1\n")
    assert "proposal_ideas.csv, row 1, column idea_id: required column is missing" in message
    message = _error("idea_id,name\ni1,V\xe9lo\n".encode("latin-1"), "proposal_id,idea_id\n")
    assert message.startswith("ideas.csv: not UTF-8 text")
    # Every problem of a file is told at once.
    message = _error(ideas, "proposal_id,idea_id\npX,i1\np2,i9\n")
    assert "row 2" in message and "row 3" in message


# -- real data ---------------------------------------------------------------------------------

def test_the_monde_d_apres_export_is_mostly_in_named_ideas(shared_data):
    path = shared_data / "makeorg-open-data" / "mondedapres_2020_05_28.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    raw = pd.read_csv(path, dtype={"proposition": str}, keep_default_na=False)
    assert len(raw) == 18_690
    table = pd.DataFrame({"proposal_id": [f"e{i}" for i in range(len(raw))],
                          "content": raw["proposition"], "votes": raw["votes"]})
    idea_set = find_ideas(table, cache=False)
    assert idea_set.language == "fr"
    named = 1 - idea_set.unassigned / len(table)
    assert named >= 0.85, named
    assert len(idea_set.ideas) >= 15
    assert idea_set.ideas["name"].is_unique
    assert max(idea_set.sizes().values()) <= 0.25 * len(table)


def test_a_polis_conversation_gets_named_ideas(shared_data):
    path = shared_data / "polis" / "bg2050-volunteers" / "comments.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    raw = pd.read_csv(path, keep_default_na=False)
    raw = raw[pd.to_numeric(raw["moderated"], errors="coerce") != -1]
    table = pd.DataFrame({"proposal_id": raw["comment-id"].astype(str),
                          "content": raw["comment-body"]})
    idea_set = find_ideas(table, cache=False)
    assert idea_set.language == "en"
    assert len(idea_set.ideas) >= 2
    assert all(re.search(r"[a-z]", name.lower()) for name in idea_set.ideas["name"])
    assert not any(name.isdigit() for name in idea_set.ideas["name"])
