"""The demo generator against the published #SolutionsJeunes results page.

Published figures are copied here from the page (not imported from the recipe),
and the metrics are computed with an independent implementation of SPEC
section 3, so a slip in the generator's recipe shows up as a failure.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.demo import ensure_demo, generate
from analytics.vocabulary import QUALIFICATIONS

REPO = Path(__file__).resolve().parents[1]

# --- published on the results page (seed 001) -----------------------------------------------

TOTALS = {"proposals": 2_864, "participants": 297_876, "votes": 584_664}
# axis -> [(idea name, agreement, coup de coeur, réaliste)], in the page's order
PUBLISHED_IDEAS = {
    "Insertion professionnelle": [
        ("Favoriser la découverte du monde professionnel", 94, 26, 36),
        ("Valoriser l'alternance, l'apprentissage et la formation professionnelle", 92, 24, 38),
        ("Mettre en avant l'artisanat, les métiers manuels et l’accès aux filières "
         "professionnelles", 93, 24, 37),
        ("Baser le recrutement des jeunes en entreprise sur de nouveaux critères", 90, 22, 34),
    ],
    "À l'école": [
        ("Repenser l'orientation scolaire des jeunes", 91, 23, 40),
        ("Faire évoluer l'école et les enseignements", 88, 23, 35),
        ("Garantir un socle minimum de connaissances pour les jeunes", 92, 23, 34),
        ("Mieux prévenir et prendre en charge l'échec scolaire", 93, 23, 36),
        ("Faciliter financièrement l’accès aux études", 90, 23, 33),
    ],
    "Santé et conditions de vie": [
        ("Permettre aux jeunes de mieux se connaître : aptitudes, envies, confiance en soi",
         90, 25, 33),
        ("Mieux accompagner les jeunes en situation de handicap", 90, 21, 32),
        ("Mieux protéger et prendre en charge les jeunes contre les violences", 89, 24, 35),
        ("Garantir des conditions de vie décentes : logement, alimentaire, transport",
         92, 24, 34),
        ("Mieux reconnaître et prendre en charge la santé mentale des jeunes", 92, 26, 33),
    ],
    "Vie citoyenne et solidarité": [
        ("Mieux transmettre les valeurs de respect, de civisme et de vivre ensemble",
         92, 33, 22),
        ("Développer les liens Intergénérationnels, notamment dans l'emploi", 90, 22, 30),
        ("Stimuler les initiatives citoyennes et sociales des jeunes", 87, 18, 35),
        ("Mieux préparer les jeunes aux contraintes de la vie d'adulte", 83, 19, 33),
        ("Encourager la sensibilisation et l'implication des jeunes à la cause "
         "environnementale", 88, 22, 33),
    ],
}
# (author, start of the text, agree %, disagree %), in the page's order
PUBLISHED_CONTROVERSIALS = [
    ("Marina", "Il faut instaurer un salaire universel pour chaque jeune de 18 à 25 ans", 40, 42),
    ("Sylvie", "Il faut que les jeunes puissent toucher le RSA", 40, 45),
    ("Christine", "Il faut renvoyer les filles et les garçons faire le service militaire", 47, 37),
    ("Break poverty foundation", "Il faut rendre obligatoire l’engagement auprès d’une "
     "association", 37, 39),
    ("Michèle", "Il faut arrêter les notes, sujets de stress", 32, 46),
    ("Aline", "Il faut faciliter l'accès à la propriété", 44, 28),
]
ACTION_NAMES = ["Etre ado.fr", "Clépsy", "Le clavier anti-haine", "Ton super-pouvoir",
                "E-learning santé", "Bouton \"A l'aide\"", "Accompagner la parole",
                "Se reconstruire ensemble", "Mon Allié numérique"]
REGIONS = {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53",
           "75", "76", "84", "93", "94"}

# --- SPEC section 3, written independently of the generator ---------------------------------

VOTE_KEYS = ("agree", "disagree", "neutral")
COUNT_KEYS = VOTE_KEYS + tuple(k for keys in QUALIFICATIONS.values() for k in keys)


def key_score(count: float, n: float, key: str) -> tuple[float, float]:
    smooth = 0.33 if key in VOTE_KEYS else 0.01
    score = min((count + smooth) / (1 + n), 1.0)
    p = (n * score + 2) / (n + 4)
    return score, 2 * math.sqrt(p * (1 - p) / (n + 4))


def add(*terms: tuple[float, float, int]) -> tuple[float, float]:
    """Signed sum of (score, confidence, sign) terms."""
    return (sum(sign * s for s, _, sign in terms), math.sqrt(sum(c * c for _, c, _ in terms)))


def minimum(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return min(a[0], b[0]), max(a[1], b[1])


def top_score_lower(row) -> float:
    k = {key: key_score(row[key], row["n"], key) for key in COUNT_KEYS}
    score, conf = add(*(k[x] + (1,) for x in ("agree", "likeIt", "doable")),
                      *(k[x] + (-1,) for x in ("noWay", "impossible", "platitudeAgree",
                                                "platitudeDisagree")))
    return score - conf


def controversy_lower(row) -> float:
    k = {key: key_score(row[key], row["n"], key) for key in COUNT_KEYS}
    a = minimum(k["agree"], k["disagree"])
    b = minimum(k["likeIt"], k["noWay"])
    score, conf = add(a + (1,), b + (1,))
    return score - conf


def zone(row) -> str:
    a, d, u = (key_score(row[k], row["n"], k)[0] for k in VOTE_KEYS)
    if a >= 0.6 or (u < 0.4 and d < 0.15):
        return "consensus"
    if d >= 0.6 or (u < 0.4 and a < 0.15):
        return "rejection"
    return "limbo" if u >= 0.4 else "controversy"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("demo") / "solutions-jeunes")


@pytest.fixture(scope="session")
def db(demo) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"create view votes as select * from read_parquet('{demo}/votes.parquet')")
    con.execute("create view participants as select * from "
                f"read_parquet('{demo}/participants.parquet')")
    con.execute("create view proposals as select * from "
                f"read_csv('{demo}/proposals.csv', all_varchar=true)")
    con.execute(f"create view ideas as select * from read_csv('{demo}/ideas.csv')")
    return con


@pytest.fixture(scope="session")
def proposal_counts(db) -> pd.DataFrame:
    sums = ", ".join(f"count(*) filter (where vote = '{k}') as {k}" for k in VOTE_KEYS)
    quals = ", ".join(f'count(*) filter (where qualification = \'{k}\') as "{k}"'
                      for k in COUNT_KEYS[3:])
    return db.execute(f"""
        select p.proposal_id, p.idea_id, p.author_name, p.content, count(*) as n, {sums}, {quals}
        from votes v join proposals p using (proposal_id)
        group by all""").df()


def read_csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the published figures --------------------------------------------------------------------


def test_totals_are_the_published_ones(db):
    proposals = db.execute("select count(*) from proposals").fetchone()[0]
    votes, voters = db.execute("select count(*), count(distinct participant_id) from votes"
                               ).fetchone()
    participants = db.execute("select count(*) from participants").fetchone()[0]
    assert (proposals, participants, votes) == tuple(TOTALS.values())
    assert voters == participants  # every participant cast at least one vote


def test_consultation_metadata(demo):
    meta = json.loads((demo / "consultation.json").read_text(encoding="utf-8"))
    assert meta["slug"] == "solutions-jeunes"
    assert meta["title"] == "#SolutionsJeunes"
    assert meta["question"] == ("Quelles solutions pour que chaque jeune trouve sa place dans "
                                "la société ?")
    assert (meta["language"], meta["country"]) == ("fr", "FR")
    assert (meta["start_date"], meta["end_date"]) == ("2022-03-22", "2022-05-22")
    assert meta["votes_target"] == 500_000
    assert meta["context"].startswith("Des millions de jeunes font face")
    assert {"Make.org", "Mirova Forward", "Medef", "TADAM"} <= set(meta["partners"])


def test_ideas_and_axes_as_published(demo):
    rows = read_csv_rows(demo / "ideas.csv")
    assert [(r["axis"], r["name"]) for r in rows] == [
        (axis, idea[0]) for axis, ideas in PUBLISHED_IDEAS.items() for idea in ideas]


def idea_table(proposal_counts, demo) -> pd.DataFrame:
    ideas = pd.DataFrame(read_csv_rows(demo / "ideas.csv"))
    pooled = proposal_counts[proposal_counts.idea_id.notna()].groupby("idea_id")[
        ["n", *COUNT_KEYS]].sum().reset_index()
    table = ideas.merge(pooled, on="idea_id", how="left")
    table["agreement"] = 100 * table.agree / table.n
    table["adhesion"] = 100 * table.likeIt / table.n
    table["realistic"] = 100 * table.doable / table.n
    table["lower"] = table.apply(top_score_lower, axis=1)
    return table


def test_idea_percentages_within_half_a_point(proposal_counts, demo):
    table = idea_table(proposal_counts, demo).set_index("name")
    for ideas in PUBLISHED_IDEAS.values():
        for name, agreement, like_it, doable in ideas:
            row = table.loc[name]
            assert abs(row.agreement - agreement) < 0.5, name
            assert abs(row.adhesion - like_it) < 0.5, name
            assert abs(row.realistic - doable) < 0.5, name


def test_ideas_rank_in_published_order_within_each_axis(proposal_counts, demo):
    table = idea_table(proposal_counts, demo)
    for axis, ideas in PUBLISHED_IDEAS.items():
        ranked = table[table.axis == axis].sort_values("lower", ascending=False)
        assert list(ranked.name) == [idea[0] for idea in ideas], axis


def test_each_idea_has_100_to_160_proposals(proposal_counts):
    per_idea = proposal_counts.groupby("idea_id").size()
    assert len(per_idea) == 19
    assert per_idea.between(100, 160).all()
    outside = proposal_counts.idea_id.isna().sum()
    assert 200 <= outside <= 500


def ranked_controversial(proposal_counts) -> pd.DataFrame:
    listed = proposal_counts[proposal_counts.n >= 100].copy()
    listed["lower"] = listed.apply(controversy_lower, axis=1)
    return listed.sort_values(["lower", "proposal_id"], ascending=[False, True])


def test_top_six_controversial_are_the_published_ones_in_order(proposal_counts):
    ranked = ranked_controversial(proposal_counts)
    top = ranked.head(6)
    for (_, row), (author, start, agree, disagree) in zip(
            top.iterrows(), PUBLISHED_CONTROVERSIALS, strict=True):
        assert row.author_name == author
        assert row.content.startswith(start)
        assert row.n >= 100
        assert round(100 * row.agree / row.n) == agree
        assert round(100 * row.disagree / row.n) == disagree
    margin = ranked.iloc[5].lower - ranked.iloc[6].lower
    assert margin > 0.05, f"7th proposal too close to the 6th ({margin:.3f})"


def test_debate_map_has_every_zone(proposal_counts):
    zones = proposal_counts.apply(zone, axis=1).value_counts()
    assert zones["consensus"] > 0.7 * len(proposal_counts)
    for name in ("controversy", "rejection", "limbo"):
        assert zones.get(name, 0) >= 50, name


def test_votes_per_proposal_are_heavy_tailed(proposal_counts):
    n = proposal_counts.n
    assert n.max() > 10 * n.median()
    assert n.min() >= 10


# --- vote-level consistency -------------------------------------------------------------------


def test_no_participant_votes_twice_on_a_proposal(db):
    duplicates = db.execute("""select count(*) from (select proposal_id, participant_id
        from votes group by all having count(*) > 1)""").fetchone()[0]
    assert duplicates == 0


def test_qualifications_match_their_vote(db):
    used = db.execute("select vote, qualification from votes group by all").fetchall()
    for vote, key in used:
        assert key is None or key in QUALIFICATIONS[vote], (vote, key)
    keys = {key for _, key in used if key}
    assert keys == {k for keys in QUALIFICATIONS.values() for k in keys}


def test_votes_reference_known_proposals_and_participants(db):
    orphans = db.execute("""select
        (select count(*) from votes where proposal_id not in (select proposal_id from proposals)),
        (select count(*) from votes
         where participant_id not in (select participant_id from participants))""").fetchone()
    assert orphans == (0, 0)


def test_votes_fall_in_the_consultation_after_their_proposal(db):
    first, last = db.execute("select min(voted_at), max(voted_at) from votes").fetchone()
    assert str(first) >= "2022-03-22" and str(last) < "2022-05-23"
    early = db.execute("""select count(*) from votes v join proposals p using (proposal_id)
        where v.voted_at < p.created_at::timestamp""").fetchone()[0]
    assert early == 0


def test_younger_participants_back_the_youth_salary_more(db):
    rates = dict(db.execute("""
        select age < 25, avg((vote = 'agree')::int) from votes
        join participants using (participant_id) join proposals using (proposal_id)
        where author_name = 'Marina' and age is not null group by 1""").fetchall())
    assert rates[True] > rates[False] + 0.1


# --- participants -----------------------------------------------------------------------------


def test_participants_demography(db):
    regions = {r for (r,) in db.execute("select distinct region_code from participants"
                                        ).fetchall()}
    assert regions == REGIONS
    genders = {g for (g,) in db.execute("select distinct gender from participants").fetchall()}
    assert genders == {"female", "male", "other", None}
    young, children, missing = db.execute("""select avg((age between 16 and 24)::int),
        avg((age between 8 and 15)::int), avg((age is null)::int) from participants"""
                                          ).fetchone()
    assert young > 0.3 and 0.02 < children < 0.15 and 0 < missing < 0.2


def test_departements_belong_to_their_region(db):
    table = read_csv_rows(REPO / "data" / "reference" / "departements.csv")
    region_of = {r["code"]: r["region_code"] for r in table}
    pairs = db.execute("select distinct department_code, region_code from participants"
                       ).fetchall()
    wrong = [(d, r) for d, r in pairs if region_of.get(d) != r]
    assert not wrong, f"départements not in their région: {wrong[:5]}"
    assert len(pairs) == 101


# --- proposals --------------------------------------------------------------------------------


def test_proposals_read_like_real_ones(demo):
    rows = read_csv_rows(demo / "proposals.csv")
    contents = [r["content"] for r in rows]
    assert all(c.startswith("Il faut ") for c in contents)
    assert len(set(contents)) == len(contents)
    assert max(len(c) for c in contents) <= 140
    ages = [int(r["author_age"]) for r in rows if r["author_age"]]
    assert all(8 <= a <= 120 for a in ages)
    assert sum(15 <= a <= 30 for a in ages) > 0.7 * len(ages)
    assert len(ages) < len(rows)  # some authors give no age
    assert all(r["author_name"] for r in rows)
    assert all(r["created_at"][:10] >= "2022-03-22" and r["created_at"][:10] <= "2022-05-22"
               for r in rows)


def test_proposal_tags_have_three_types(demo):
    for row in read_csv_rows(demo / "proposals.csv"):
        types = [item.split(":", 1)[0] for item in row["tags"].split("|")]
        assert types == ["theme", "acteur", "solution"], row["tags"]


def test_action_plan_as_published(demo):
    actions = json.loads((demo / "actions.json").read_text(encoding="utf-8"))
    assert [a["name"] for a in actions] == ACTION_NAMES
    for action in actions:
        assert {"name", "description", "objective", "carriers", "proposal_ids", "quotes",
                "axis"} <= set(action)
        assert action["carriers"] and action["quotes"]
    assert actions[0]["quotes"][0].endswith("— Capucine")


# --- modes, determinism, atomicity --------------------------------------------------------------


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_same_seed_gives_identical_files(tmp_path):
    first = generate(tmp_path / "a", votes=20_000)
    second = generate(tmp_path / "b", votes=20_000)
    assert file_hashes(first) == file_hashes(second)
    other = generate(tmp_path / "c", votes=20_000, seed=7)
    assert file_hashes(other)["votes.parquet"] != file_hashes(first)["votes.parquet"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_sized_mode_gives_the_requested_sizes(tmp_path, fmt):
    out = generate(tmp_path / "sized", votes=30_000, participants=12_000, proposals=150,
                   fmt=fmt)
    con = duckdb.connect()
    votes = f"read_{fmt}('{out}/votes.{fmt}')"
    people = f"read_{fmt}('{out}/participants.{fmt}')"
    counts = con.execute(f"""select count(*), count(distinct participant_id),
        (select count(*) from {people}),
        (select count(*) from (select proposal_id, participant_id from {votes}
                               group by all having count(*) > 1))
        from {votes}""").fetchone()
    assert counts == (30_000, 12_000, 12_000, 0)
    assert len(read_csv_rows(out / "proposals.csv")) == 150
    meta = json.loads((out / "consultation.json").read_text(encoding="utf-8"))
    assert meta["slug"] != "solutions-jeunes"


def test_missing_sizes_follow_the_demo_ratios(tmp_path):
    out = generate(tmp_path / "ratio", votes=10_000, fmt="csv")
    rows = read_csv_rows(out / "participants.csv")
    assert len(rows) == round(10_000 * TOTALS["participants"] / TOTALS["votes"])


def test_impossible_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path / "x", votes=100, participants=1_000)
    with pytest.raises(ValueError):
        generate(tmp_path / "x", votes=1_000, proposals=10)
    with pytest.raises(ValueError):
        generate(tmp_path / "x", votes=1_000, fmt="xlsx")


def crash_while_writing_votes(fraction, message):
    if message.startswith("Writing votes"):
        raise RuntimeError("interrupted")


def test_a_failed_generation_leaves_nothing_behind(tmp_path):
    with pytest.raises(RuntimeError):
        generate(tmp_path / "bundle", votes=20_000, progress=crash_while_writing_votes)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_regeneration_keeps_the_previous_bundle(tmp_path):
    out = generate(tmp_path / "bundle", votes=20_000)
    before = file_hashes(out)
    with pytest.raises(RuntimeError):
        generate(out, votes=30_000, progress=crash_while_writing_votes)
    assert file_hashes(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_ensure_demo_generates_only_when_missing(demo):
    votes = demo / "votes.parquet"
    stamp = votes.stat().st_mtime_ns
    assert ensure_demo(demo) == demo
    assert votes.stat().st_mtime_ns == stamp


def test_progress_reaches_one(tmp_path):
    seen = []
    generate(tmp_path / "p", votes=20_000, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)


# --- the campaign in time (votes per day computed here from votes.parquet) --------------------

LAUNCH, CLOSE = pd.Timestamp("2022-03-22"), pd.Timestamp("2022-05-22")


@pytest.fixture(scope="session")
def meta(demo) -> dict:
    return json.loads((demo / "consultation.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vote_times(demo) -> pd.DataFrame:
    return pd.read_parquet(demo / "votes.parquet",
                           columns=["proposal_id", "participant_id", "voted_at"])


@pytest.fixture(scope="session")
def votes_per_day(vote_times) -> pd.Series:
    return vote_times.voted_at.dt.normalize().value_counts().sort_index()


def milestone(meta: dict, start: str) -> pd.Timestamp:
    dates = [m["date"] for m in meta["milestones"] if m["label"].startswith(start)]
    assert len(dates) == 1, (start, meta["milestones"])
    return pd.Timestamp(dates[0])


def test_every_day_of_the_consultation_has_votes_and_they_add_up(votes_per_day):
    assert list(votes_per_day.index) == list(pd.date_range(LAUNCH, CLOSE, freq="D"))
    assert votes_per_day.sum() == 584_664
    assert votes_per_day.cumsum().iloc[-1] == 584_664


def test_times_are_paris_times_and_the_milestones_tell_the_story(meta, votes_per_day):
    assert meta["timezone"] == "Europe/Paris"
    assert [m["date"] for m in meta["milestones"]] == sorted(m["date"] for m in meta["milestones"])
    assert milestone(meta, "Lancement") == LAUNCH
    assert milestone(meta, "Clôture") == CLOSE
    target = meta["votes_target"]
    cumulative = votes_per_day.cumsum()
    crossed = cumulative[cumulative >= target].index[0]
    assert milestone(meta, "Objectif de 500\u202f000 votes") == crossed
    assert cumulative[crossed - pd.Timedelta(days=1)] < target <= cumulative[crossed]
    assert LAUNCH + pd.Timedelta(days=40) < crossed < CLOSE  # late, then 117 % by the close


def test_no_vote_at_a_time_paris_never_showed(vote_times):
    # Clocks went from 02:00 to 03:00 on 27 March 2022: no naive time in that hour.
    times = pd.DatetimeIndex(vote_times.voted_at)
    assert not ((times >= "2022-03-27 02:00") & (times < "2022-03-27 03:00")).any()
    times.tz_localize("Europe/Paris", nonexistent="raise", ambiguous="raise")


def assert_campaign_shape(per_day: pd.Series, push: pd.Timestamp) -> None:
    """A launch peak in the first days, busier weekdays, the media push's spike, then the
    last week's rush."""
    first_week = per_day[LAUNCH:LAUNCH + pd.Timedelta(days=6)]
    assert first_week.mean() > 1.5 * per_day["2022-04-04":"2022-04-30"].mean()
    assert first_week.idxmax() <= LAUNCH + pd.Timedelta(days=3)
    # Ordinary weeks (28 March - 15 May, without the media push's week).
    ordinary = per_day["2022-03-28":"2022-05-15"].drop(pd.date_range("2022-05-02", "2022-05-08"))
    by_weekday = ordinary.groupby(ordinary.index.day_of_week).mean()
    assert by_weekday.idxmin() == 5  # Saturday
    assert by_weekday[[1, 2, 3]].mean() > 1.4 * by_weekday[5]  # Tuesday to Thursday
    week = per_day[push - pd.Timedelta(days=push.day_of_week):][:7]
    assert push in week.index and len(week) == 7
    assert per_day[push] > 2.5 * week.median()
    assert per_day[LAUNCH + pd.Timedelta(days=7):CLOSE - pd.Timedelta(days=7)].idxmax() == push
    last_week = per_day[CLOSE - pd.Timedelta(days=6):]
    week_before = per_day[CLOSE - pd.Timedelta(days=13):CLOSE - pd.Timedelta(days=7)]
    assert last_week.mean() > 1.4 * week_before.mean()


def test_votes_per_day_follow_the_campaign(meta, votes_per_day):
    assert_campaign_shape(votes_per_day, milestone(meta, "Temps fort médiatique"))
    weeks = votes_per_day[:CLOSE - pd.Timedelta(days=7)].resample("W-SUN").mean()
    assert votes_per_day[CLOSE - pd.Timedelta(days=6):].mean() > 1.4 * weeks.max()
    assert votes_per_day[CLOSE] == votes_per_day[CLOSE - pd.Timedelta(days=6):].max()


def test_few_votes_at_night_most_in_the_evening(vote_times):
    hours = vote_times.voted_at.dt.hour.value_counts(normalize=True)
    night = hours.reindex(range(1, 7), fill_value=0).sum()
    evening = hours.reindex(range(18, 23), fill_value=0).sum()
    assert night < 0.05
    assert evening > 0.3
    assert LAUNCH + pd.Timedelta(hours=8) <= vote_times.voted_at.min()  # opens at 08:00


def test_participants_vote_in_sittings_and_arrive_with_the_campaign(meta, vote_times,
                                                                   votes_per_day):
    ordered = vote_times.sort_values(["participant_id", "voted_at"])
    gaps = ordered.groupby("participant_id").voted_at.diff().dropna()
    assert (gaps < pd.Timedelta(minutes=10)).mean() > 0.7  # several votes in one sitting
    first = ordered.groupby("participant_id").voted_at.first().dt.normalize()
    new_per_day = first.value_counts().reindex(votes_per_day.index, fill_value=0)
    assert new_per_day.sum() == 297_876
    assert_campaign_shape(new_per_day, milestone(meta, "Temps fort médiatique"))
    # Heavy voters come back on other days.
    days = ordered.assign(day=ordered.voted_at.dt.normalize()).groupby("participant_id").agg(
        votes=("day", "size"), days=("day", "nunique"))
    assert days[days.votes >= 20].days.median() >= 3


def test_proposals_come_earlier_than_votes_and_before_their_votes(demo, vote_times):
    proposals = pd.read_csv(demo / "proposals.csv", usecols=["proposal_id", "created_at"],
                            parse_dates=["created_at"])
    assert proposals.created_at.between(LAUNCH, CLOSE + pd.Timedelta(days=1)).all()
    assert proposals.created_at.median() + pd.Timedelta(days=14) < vote_times.voted_at.median()
    assert (proposals.created_at < "2022-04-12").mean() > 0.5  # most in the first three weeks
    joined = vote_times.merge(proposals, on="proposal_id")
    assert len(joined) == 584_664
    assert (joined.voted_at - joined.created_at).min() >= pd.Timedelta(minutes=5)
    # Older proposals have had time to collect more votes.
    votes = joined.groupby("proposal_id").size()
    created = proposals.set_index("proposal_id").created_at
    early = votes[created[created < "2022-03-29"].index].median()
    late = votes[created[created >= "2022-04-20"].index].median()
    assert early > 2 * late


def test_a_sized_bundle_dates_its_scaled_target_from_its_own_votes(tmp_path):
    out = generate(tmp_path / "sized", votes=40_000)
    meta = json.loads((out / "consultation.json").read_text(encoding="utf-8"))
    days = pd.read_parquet(out / "votes.parquet").voted_at.dt.normalize().value_counts()
    cumulative = days.sort_index().cumsum()
    assert meta["votes_target"] == round(500_000 * 40_000 / 584_664)
    assert cumulative.index.min() >= LAUNCH and cumulative.index.max() <= CLOSE
    crossed = cumulative[cumulative >= meta["votes_target"]].index[0]
    label = "Objectif de 34\u202f208 votes"
    assert milestone(meta, label) == crossed
