"""The results object as types (SPEC section 6): what `python -m analytics results PATH
--format json` writes, what every `Source.results()` returns and what the pages, the
charts, the HTML report and the tests read.

The results stay plain dicts at run time (a TypedDict is a dict; the JSON does not
change): these classes only name their fields, so that a producer (analytics.metrics.engine,
.published, .polis, .opendata, .spark through analytics.consultations.open) and a reader agree on
them, and mypy reports a misspelt key (`results["consultaton"]`) wherever a value is
known to be a `Results` or one of its parts. tests/test_results_model.py checks the
results of every input kind against these classes at run time, and runs mypy over
analytics/ and pages/ for the errors about keys.

A key is Required when every input kind writes it; NotRequired when some kinds (or
some options: a segment under the privacy threshold, weighting, ideas found in the
texts) leave it out. Values follow SPEC section 6: shares are floats in percent,
counts integers (sums of weights when weighted), null where an input kind cannot
fill them."""

from typing import Any, NotRequired, TypedDict

# -- small parts -----------------------------------------------------------------------------


class Bounds(TypedDict):
    """A score with its confidence bounds (SPEC section 3): `top_score`,
    `controversy`, `rejection`, `engagement`."""

    score: float
    lower: float
    upper: float


class Counts(TypedDict):
    """Votes and qualifications of a proposal or an idea (SPEC sections 2 and 6):
    counts of votes, or sums of weights when weighted."""

    agree: float
    disagree: float
    neutral: float
    likeIt: float
    doable: float
    platitudeAgree: float
    noWay: float
    impossible: float
    platitudeDisagree: float
    doNotUnderstand: float
    noOpinion: float
    doNotCare: float


class Shares(TypedDict):
    """Shares in percent of all votes (SPEC section 3); null where there is no vote or
    the input kind has no such figure (Polis: no qualifications; a proposal export:
    agree only)."""

    agree: float | None
    disagree: float | None
    neutral: float | None
    like_it: float | None
    doable: float | None
    no_way: float | None
    impossible: float | None
    platitude: float | None


class Note(TypedDict):
    """One of the results' `notes` (what the input lacks, how figures were made):
    `code` for the pages, `message` in English. A timeline note carries its figures."""

    code: str
    message: str
    column: NotRequired[str]            # no_timeline: the column that would fill it
    timed_votes: NotRequired[int]       # timeline_partial
    votes: NotRequired[int]
    untimed_votes: NotRequired[int]


# -- consultation and key figures ----------------------------------------------------------


class Milestone(TypedDict):
    """A dated milestone of the consultation (SPEC section 2, `milestones`)."""

    date: str
    label: str


class Consultation(TypedDict):
    """`consultation` (SPEC section 6: slug, title, question, language; the rest from
    consultation.json, SPEC section 2). Vote-level inputs also carry their time zone,
    milestones and whether the votes are synthetic (the demo)."""

    slug: str
    title: str | None
    question: str | None
    language: str | None
    country: str | None
    start_date: str | None
    end_date: str | None
    context: str | None
    partners: list[str] | None
    source_url: NotRequired[str | None]
    timezone: NotRequired[str]
    milestones: NotRequired[list[Milestone]]
    synthetic: NotRequired[bool]


class KeyFigures(TypedDict):
    """`key_figures` (SPEC section 6); null where the input kind cannot tell, or for a
    segment under the privacy threshold."""

    participants: int | None
    proposals: int | None
    votes: int | None
    votes_target: int | None


# -- ideas -----------------------------------------------------------------------------------


class Idea(TypedDict):
    """An idea of `top_ideas` (SPEC section 6), in ranking order within its axis. An
    idea under the privacy threshold has `suppressed` and no figures; a published idea
    has its three published shares only (the rest null); an idea of a proposal export
    has its pooled `engagement` and `score`."""

    idea: str
    idea_id: str
    rank: int | None
    votes: int | None
    proposals: int | None
    suppressed: NotRequired[bool]
    agreement: NotRequired[float | None]
    adhesion: NotRequired[float | None]
    realistic: NotRequired[float | None]
    zone: NotRequired[str | None]           # consensus | controversy | rejection | limbo
    top_score: NotRequired[Bounds | None]
    shares: NotRequired[Shares | None]
    counts: NotRequired[Counts | None]
    engagement: NotRequired[float | None]   # proposal export only
    score: NotRequired[float | None]        # proposal export only


class Axis(TypedDict):
    """One axis of `top_ideas` (SPEC section 6): its name (null: ideas without axis)
    and its ideas."""

    name: str | None
    ideas: list[Idea]


class FoundIdea(TypedDict):
    """An idea found in the texts, as `found_ideas.ideas` describes it."""

    idea_id: str
    name: str
    axis: str | None
    keywords: list[str]
    examples: list[str]
    proposals: int


class FoundIdeas(TypedDict):
    """`found_ideas` (SPEC section 3, ideas found in the texts; README "Big ideas found
    in the texts"): the set without its per-proposal assignment. `method` is the
    method's own description (name, parameters, library versions)."""

    language: str | None
    method: dict[str, Any]
    edited: bool
    unassigned: int
    other_name: str
    ideas: list[FoundIdea]


# -- proposals -------------------------------------------------------------------------------


class ListedProposal(TypedDict):
    """An item of `controversials` or `rejected` (SPEC section 6), with the score it is
    ranked by (`controversy` or `rejection`; null in a published file)."""

    id: str | None
    author: str | None
    content: str
    agree: float | None
    disagree: float | None
    like_it: float | None
    no_way: float | None
    votes: int | None
    idea_id: str | None
    controversy: NotRequired[Bounds | None]
    rejection: NotRequired[Bounds | None]


class Tag(TypedDict):
    """A proposal's tag (SPEC section 2, `tags`: `type:label`)."""

    type: str
    label: str


class Proposal(TypedDict):
    """An item of `proposals` (SPEC section 6). A proposal under the privacy threshold
    has `suppressed` and no figures; a proposal export has `adhesion`, `engagement` (a
    fraction, not a score) and `score` instead of counts and scores; `similarity` is
    its closeness to a found idea."""

    id: str
    idea_id: str | None
    author: str | None
    author_age: int | None
    content: str
    tags: list[Tag]
    created_at: str | None
    votes: int | None
    suppressed: NotRequired[bool]
    weighted_votes: NotRequired[float]
    counts: NotRequired[Counts | None]
    shares: NotRequired[Shares | None]
    zone: NotRequired[str | None]           # consensus | controversy | rejection | limbo
    top_score: NotRequired[Bounds | None]
    controversy: NotRequired[Bounds | None]
    rejection: NotRequired[Bounds | None]
    engagement: NotRequired[Bounds | float | None]
    similarity: NotRequired[float | None]
    adhesion: NotRequired[float | None]     # proposal export only
    score: NotRequired[float | None]        # proposal export only


# -- participation ---------------------------------------------------------------------------


class ParticipationRow(TypedDict):
    """A row of a `participation` dimension (SPEC section 6; section 5: under 10
    participants, `participants` and `votes` are null and the shares left out).
    Weighted results add the weighted sums; areas with a known population their
    `population` and `per_10k`; a published row its INSEE `code` or `gender`."""

    label: str
    participants: int | None
    votes: int | None
    population_share: float | None
    name: NotRequired[str]
    participants_share: NotRequired[float | None]
    votes_share: NotRequired[float | None]
    weighted_participants: NotRequired[float]
    weighted_votes: NotRequired[float]
    population: NotRequired[int]
    per_10k: NotRequired[float]
    code: NotRequired[str]                  # published: INSEE code of the area
    gender: NotRequired[str]                # published: female | male | other


class Participation(TypedDict):
    """`participation` (SPEC section 6): rows per gender, age band, région and
    département; communes where participants give them; a published file's charts of
    another dimension under `other`, by chart name."""

    gender: list[ParticipationRow]
    age_band: list[ParticipationRow]
    region: list[ParticipationRow]
    department: list[ParticipationRow]
    commune: NotRequired[list[ParticipationRow]]
    other: NotRequired[dict[str, list[ParticipationRow]]]


class UnknownCount(TypedDict):
    """Participants (and their votes) whose value of a dimension is unknown; null
    under the privacy threshold."""

    participants: int | None
    votes: int | None


class ParticipationUnknown(TypedDict, total=False):
    """`participation_unknown`: per dimension, the participants it cannot place
    (empty for inputs without participants)."""

    gender: UnknownCount
    age_band: UnknownCount
    region: UnknownCount
    department: UnknownCount
    commune: UnknownCount


class ParticipationChart(TypedDict):
    """`participation_charts` (published results, SPEC section 4): how each
    published chart was read (dimension, what its bars measure, split parts)."""

    name: str
    type: str | None                        # histogram | pie
    dimension: str
    key: str
    measure: str                            # votes | participants
    first_label: str | None
    population_label: str | None
    parts: int


# -- cartography and timeline ----------------------------------------------------------------


class CartographySlice(TypedDict):
    """A label of a cartography chart: its share of the tagged proposals (published:
    as published, with its colour)."""

    label: str
    percent: float | None
    proposals: int | None
    color: NotRequired[str | None]


class CartographyChart(TypedDict):
    """An item of `cartography` (SPEC section 6): per tag type and scope ("all" or
    "consensus"); a published pie chart has no tag type nor scope but its unit."""

    name: str | None
    tag_type: str | None
    scope: str | None
    data: list[CartographySlice]
    unit: NotRequired[str | None]


class TimelineDay(TypedDict):
    """A day of `timeline` (SPEC sections 3 and 6)."""

    date: str
    votes: int
    new_participants: int
    proposals: int
    cumulative_votes: int
    cumulative_participants: int


# -- the rest --------------------------------------------------------------------------------


class Action(TypedDict):
    """An action of the plan (SPEC section 2, actions.json); only `name` is
    required there."""

    name: str
    description: NotRequired[str | None]
    objective: NotRequired[str | None]
    carriers: NotRequired[list[str]]
    proposal_ids: NotRequired[list[str]]
    quotes: NotRequired[list[str]]
    axis: NotRequired[str | None]           # the demo's plan
    problem: NotRequired[str | None]


class Parameters(TypedDict, total=False):
    """`parameters`: the list settings of SPEC section 3."""

    min_votes: int
    top: int


class Weighting(TypedDict):
    """`weighting` (analytics.metrics.weighting, README "Weighting"): the raking summary, or
    null when figures are raw."""

    method: str | None
    margins: dict[str, dict[str, float]]
    bounds: list[float]
    trimmed: int
    effective_sample_size: float
    participants: int
    max_weight: float
    min_weight: float
    converged: bool
    iterations: int
    max_margin_error: float
    not_raked: dict[str, int]
    seconds: float


class SourceDescription(TypedDict):
    """`source`: the input's kind (SPEC section 1), path, capabilities and warnings."""

    kind: str
    path: str
    capabilities: list[str]
    warnings: list[str]


class Boundaries(TypedDict):
    """`boundaries`: a bundle's own geography (SPEC section 2)."""

    file: str
    level: str
    areas: int
    populations: bool


# `polis.summary`: the figures of the export's summary.csv, as written there (one key
# has a hyphen, hence the functional syntax).
PolisSummary = TypedDict("PolisSummary", {
    "views": str, "voters": str, "voters-in-conv": str, "commenters": str, "comments": str,
    "groups": str}, total=False)


class Polis(TypedDict):
    """`polis`: what a Polis export held and what was kept (SPEC section 1)."""

    comments: int
    moderated_out: int
    unmoderated: int
    accepted: int
    meta_comments: int
    empty_comments: int
    empty_moderated_out: int
    vote_rows: int
    latest_votes: int
    votes_on_moderated_out: int
    unknown_comment_votes: int
    counted_votes: int
    superseded_votes: int
    participants_file: bool
    grouped_participants: int
    export_groups: int
    conversation_url: str | None
    summary: PolisSummary


class KindExtra(TypedDict, total=False):
    """What one kind of vote-level input adds to its results (analytics.consultations.open,
    VoteSource.extra): a Polis export its `polis` figures and `attribution`."""

    polis: Polis
    attribution: str


# -- the results ------------------------------------------------------------------------------


class Results(TypedDict):
    """The results object (SPEC section 6), from any input kind.

    Every kind writes `timeline` (an empty list where the input has no dates, as SPEC
    section 6 asks). NotRequired at the top: `participation_unknown` and `weighting` (not under a
    suppressed segment), `ideas_source` and `found_ideas` (set by compute_results and
    every Source.results after the rest), `suppressed` (a segment under the privacy
    threshold), `source` (set by Source.results), and what one kind adds:
    `participation_charts`, `makeorg` and `published_key_figures` (published), `polis`
    and `attribution` (Polis), `boundaries` (a bundle with its own geography)."""

    consultation: Consultation
    key_figures: KeyFigures
    top_ideas: list[Axis]
    ranked_ideas: list[str]
    controversials: list[ListedProposal]
    rejected: list[ListedProposal]
    participation: Participation
    cartography: list[CartographyChart]
    proposals: list[Proposal]
    actions: list[Action]
    segment: dict[str, str]                 # gender, age_band, region: its values
    parameters: Parameters
    notes: list[Note]
    timeline: list[TimelineDay]
    participation_unknown: NotRequired[ParticipationUnknown]
    weighting: NotRequired[Weighting | None]
    ideas_source: NotRequired[str | None]   # "given" | "found" | null
    found_ideas: NotRequired[FoundIdeas | None]
    suppressed: NotRequired[bool]
    source: NotRequired[SourceDescription]
    participation_charts: NotRequired[list[ParticipationChart]]
    makeorg: NotRequired[dict[str, Any]]    # the published file itself (SPEC section 4)
    published_key_figures: NotRequired[dict[str, Any]]
    polis: NotRequired[Polis]
    attribution: NotRequired[str]
    boundaries: NotRequired[Boundaries]
