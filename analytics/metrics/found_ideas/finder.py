"""Ideas found in the proposals' texts, in the manner of a scikit-learn estimator.

1. Each text becomes weighted features: the lemmas of its content words (stop words,
   the platform's boilerplate and generic action verbs left out) and pairs of
   neighbouring content lemmas; a word weighs less the later it comes, since a
   proposal says what it wants first and how, where or for whom after.
   Character n-grams for languages written without spaces.
2. Families of near-duplicates: proposals whose TF-IDF vectors (scikit-learn) are
   close (cosine >= `family_similarity` among each one's nearest neighbours) are
   joined, transitively. Citizens rewrite one another's proposals with another
   ending ("... dans chaque département", "... pour les jeunes sans réseau").
3. Each family is described by the features of all its proposals, what they all
   share (their common core) weighing `core_weight` of what varies between them
   (the endings, which link families of one idea); features carried by a single
   family link nothing and are dropped. TF-IDF over families: an ending that
   every family uses weighs nothing.
4. LSA (TruncatedSVD) and k-means (scikit-learn) over the families, weighted by
   their size. Then each feature is weighted by how concentrated it is in a few
   ideas (1 - normalised entropy of its spread over the ideas) and step 4 runs
   again, `rounds` times: words that every idea uses fade.
5. A proposal whose vector is far from its idea's centre (cosine below
   `min_similarity`), or in an idea too small to be one, goes to the "other"
   group. Ideas are grouped into axes by k-means on their centres.
6. Names (analytics.metrics.found_ideas.naming): the most distinctive phrases of the idea.

Votes never decide which idea a proposal is in; they only choose, among the
proposals closest to an idea's centre, those shown as its examples."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from analytics.metrics.found_ideas import naming, text
from analytics.metrics.found_ideas.ideaset import IdeaSet

Progress = Callable[[float, str], None]
METHOD_VERSION = 3
NEIGHBOUR_MEMORY_MB = 128


class IdeaFinder:
    """fit(texts) -> labels_ (-1: in no idea), similarity_, families_, centers_, axes_.

    n_ideas: the number of ideas asked for (None: from the number of texts).
    position_decay: a word at position i weighs 1 / (1 + i * position_decay).
    family_similarity, neighbours: near-duplicates (step 2); a family holds at most
    max(family_size, family_share * texts) of them. core_weight: step 3.
    components: LSA dimensions. rounds: reweighting rounds. min_similarity: below
    it a proposal is in no idea. min_size, min_share: a smaller idea is dissolved
    into the other group."""

    def __init__(self, language: str = "fr", n_ideas: int | None = None, *,
                 position_decay: float = 0.15, family_similarity: float = 0.55,
                 neighbours: int = 10, family_size: int = 30, family_share: float = 0.002,
                 core_weight: float = 0.3, components: int = 30,
                 rounds: int = 2, min_similarity: float = 0.0, min_size: int = 2,
                 min_share: float = 0.002, random_state: int = 0):
        self.language = language
        self.n_ideas = n_ideas
        self.position_decay = position_decay
        self.family_similarity = family_similarity
        self.neighbours = neighbours
        self.family_size = family_size
        self.family_share = family_share
        self.core_weight = core_weight
        self.components = components
        self.rounds = rounds
        self.min_similarity = min_similarity
        self.min_size = min_size
        self.min_share = min_share
        self.random_state = random_state

    PARAMS = ("language", "n_ideas", "position_decay", "family_similarity", "neighbours",
              "family_size", "family_share", "core_weight", "components", "rounds",
              "min_similarity", "min_size", "min_share", "random_state")

    def get_params(self) -> dict:
        return {key: getattr(self, key) for key in self.PARAMS}

    # -- features ---------------------------------------------------------------------------

    def counts(self, texts: list[str]) -> sp.csr_matrix:
        """Position-weighted feature counts, features of at least two texts."""
        self.features_ = None
        if text.is_character_language(self.language):
            self.documents_ = None
            vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2,
                                         use_idf=False, norm=None, dtype=np.float32)
            try:
                return vectorizer.fit_transform([text.characters(t) for t in texts]).tocsr()
            except ValueError:          # too few texts for min_df
                return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        reader = text.WordReader(self.language)
        self.documents_ = [reader.tokens(t) for t in texts]
        vocabulary: dict[str, int] = {}
        rows, columns, values = [], [], []
        for row, tokens in enumerate(self.documents_):
            weights: dict[int, float] = {}
            content = [t.lemma for t in tokens if t.content]
            for position, lemma in enumerate(content):
                weight = 1.0 / (1.0 + position * self.position_decay)
                features = (lemma, f"{content[position - 1]} {lemma}") if position else (lemma,)
                for feature in features:
                    column = vocabulary.setdefault(feature, len(vocabulary))
                    weights[column] = weights.get(column, 0.0) + weight
            rows += [row] * len(weights)
            columns += list(weights)
            values += list(weights.values())
        counts = sp.csr_matrix((np.asarray(values, dtype=np.float32), (rows, columns)),
                               shape=(len(texts), len(vocabulary)))
        shared = np.flatnonzero(counts.getnnz(axis=0) >= 2)
        names = np.array(list(vocabulary), dtype=object)
        self.features_ = names[shared] if len(names) else names
        return counts[:, shared].tocsr()

    # -- fitting ----------------------------------------------------------------------------

    def fit(self, texts: list[str], progress: Progress | None = None) -> IdeaFinder:
        progress = progress or (lambda fraction, message: None)
        n = len(texts)
        progress(0.05, "reading the texts")
        counts = self.counts(texts)
        k = self.n_ideas or default_ideas(n)
        k = max(1, min(k, n // 2 if n >= 4 else 1))
        empty = counts.getnnz(axis=1) == 0
        if counts.shape[1] < 2 or n - empty.sum() < 2 * k:
            return self._nothing(n)
        progress(0.2, "finding near-duplicate proposals")
        tfidf = normalize(TfidfTransformer(sublinear_tf=True).fit_transform(counts))
        largest = max(self.family_size, math.ceil(self.family_share * n))
        self.families_ = _families(tfidf, empty, self.family_similarity, self.neighbours,
                                   largest)
        present = (counts > 0).astype(np.float32)
        family_counts, kept = _family_features(present, self.families_, self.core_weight)
        if family_counts.shape[1] < 2 or family_counts.shape[0] < 2 * k:
            return self._nothing(n)
        idf = _Weighting(family_counts)
        families = idf.transform(family_counts)
        sizes = np.bincount(self.families_)
        weights = np.ones(families.shape[1], dtype=np.float32)
        for round_ in range(self.rounds + 1):
            progress(0.3 + 0.45 * round_ / (self.rounds + 1), "grouping the proposals")
            svd, model = self._cluster(normalize(families @ sp.diags(weights)), k, sizes)
            if round_ < self.rounds:
                weights = weights * _concentration(families, model.labels_, k)
        # Each proposal placed by its own words in the families' space.
        own = idf.transform(present[:, kept])
        vectors = normalize(svd.transform(normalize(own @ sp.diags(weights))))
        centers = normalize(model.cluster_centers_)
        labels = model.labels_[self.families_]
        similarity = np.einsum("ij,ij->i", vectors, centers[labels])
        labels = np.where(empty | (similarity < self.min_similarity), -1, labels)
        smallest = max(self.min_size, math.ceil(self.min_share * n))
        sizes = np.bincount(labels[labels >= 0], minlength=k)
        labels = np.where((labels >= 0) & (sizes[np.maximum(labels, 0)] < smallest), -1, labels)
        self.labels_ = _renumber(labels)
        # How much each word still weighs once spread-out words faded: names avoid
        # the faded ones (a shared ending inside a name).
        if getattr(self, "features_", None) is not None:
            self.word_weight_ = dict(zip(self.features_[kept].tolist(), weights.tolist(),
                                         strict=True))
        self.similarity_ = similarity
        self.centers_ = _centers(vectors, self.labels_)
        self.axes_ = _axes(self.centers_, self.random_state)
        progress(0.8, "naming the ideas")
        return self

    def _cluster(self, matrix: sp.csr_matrix, k: int, sizes: np.ndarray):
        dimensions = max(1, min(self.components, matrix.shape[1] - 1, matrix.shape[0] - 1))
        svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=5,
                           random_state=self.random_state).fit(matrix)
        reduced = normalize(svd.transform(matrix))
        model = KMeans(k, n_init=10, random_state=self.random_state)
        model.fit(reduced, sample_weight=sizes)
        return svd, model

    def _nothing(self, n: int) -> IdeaFinder:
        self.word_weight_ = {}
        self.labels_ = np.full(n, -1)
        self.similarity_ = np.full(n, np.nan)
        self.families_ = np.arange(n)
        self.centers_ = np.zeros((0, 1))
        self.axes_ = np.zeros(0, dtype=int)
        return self


def _families(tfidf: sp.csr_matrix, empty: np.ndarray, threshold: float,
              neighbours: int, largest: int) -> np.ndarray:
    """Family number of each text: connected components of the graph joining each
    text to those of its nearest neighbours at cosine >= threshold. A component
    larger than `largest` is a chain, not a family: it is cut again at a higher
    threshold (its weakest links go first) until every piece is small enough."""
    n = tfidf.shape[0]
    rows = np.flatnonzero(~empty)
    if len(rows) < 2:
        return np.arange(n)
    k = min(neighbours, len(rows))
    search = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
    # Distances are computed in chunks of this many MB: memory stays flat at any size.
    with sklearn.config_context(working_memory=NEIGHBOUR_MEMORY_MB):
        distances, found = search.fit(tfidf[rows]).kneighbors(tfidf[rows])
    similarity = (1.0 - distances).ravel()
    source, target = np.repeat(rows, k), rows[found.ravel()]
    keep = (similarity >= threshold) & (source != target)
    source, target, similarity = source[keep], target[keep], similarity[keep]
    family = np.arange(n)
    pending = [(np.ones(len(source), dtype=bool), threshold)]
    next_family = n
    while pending:
        edges, level = pending.pop()
        edges &= similarity >= level
        graph = sp.csr_matrix((np.ones(edges.sum()), (source[edges], target[edges])),
                              shape=(n, n))
        count, component = connected_components(graph, directed=False)
        members = np.bincount(component, minlength=count)
        touched = np.unique(component[np.concatenate([source[edges], target[edges]])])
        for piece in touched:
            nodes = component == piece
            family[nodes] = next_family
            next_family += 1
            if members[piece] > largest and level < 1.0:
                pending.append((edges & nodes[source], level + 0.05))
    return np.unique(family, return_inverse=True)[1]


class _Weighting:
    """TF-IDF over families with idf = log(families / families carrying the feature),
    squared: a feature every family carries weighs nothing (scikit-learn's smoothed
    idf adds 1, which keeps shared endings alive), and one that few families share
    weighs much more than one that many do (measured: adjusted Rand on the demo
    0.72 squared, 0.65 not; on rewrites with shared endings 0.58 against 0.47)."""

    def __init__(self, counts: sp.csr_matrix):
        df = np.maximum(counts.getnnz(axis=0), 1)
        self.idf = (np.log(counts.shape[0] / df) ** 2).astype(np.float32)

    def transform(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        logged = counts.copy().astype(np.float32)
        logged.data = np.log(logged.data) + 1 if logged.nnz else logged.data
        logged.data = np.where(logged.data > 0, logged.data, 0)
        return normalize(logged @ sp.diags(self.idf))


def _family_features(present: sp.csr_matrix, family: np.ndarray, core_weight: float):
    """Per family, how many of its texts carry each feature; a feature all of a
    family's texts carry (its core) weighs `core_weight`. Features of one family only
    are dropped. Returns (matrix, the kept feature columns)."""
    n_families = family.max() + 1
    member = sp.csr_matrix((np.ones(len(family), dtype=np.float32),
                            (family, np.arange(len(family)))), shape=(n_families, len(family)))
    counts = (member @ present).tocoo()
    sizes = np.bincount(family, minlength=n_families)
    core = (counts.data >= sizes[counts.row]) & (sizes[counts.row] >= 2)
    counts.data = np.where(core, counts.data * core_weight, counts.data).astype(np.float32)
    counts = counts.tocsr()
    kept = np.flatnonzero(counts.getnnz(axis=0) >= 2)
    return counts[:, kept], kept


def default_ideas(n: int) -> int:
    """About one idea per 150 proposals at first, fewer per proposal as they grow (a
    citizens' agenda holds a few dozen ideas at most); a short conversation still
    gets a handful, of about six proposals each."""
    return int(np.clip(round(math.sqrt(n) / 2.6), min(6, max(n // 6, 2)), 40))


def _concentration(tfidf: sp.csr_matrix, labels: np.ndarray, k: int) -> np.ndarray:
    """Per feature, 1 - the normalised entropy of its weight over the ideas:
    1 for a word of one idea, near 0 for a word spread over all of them."""
    member = sp.csr_matrix((np.ones(len(labels)), (np.arange(len(labels)), labels)),
                           shape=(len(labels), k))
    mass = np.asarray((member.T @ tfidf).todense())        # groups x features
    # Each group's share of a feature, relative to the group's size: a big group
    # should not look like the home of every word.
    sizes = np.maximum(np.asarray(member.sum(axis=0)).ravel(), 1)[:, None]
    density = mass / sizes
    total = density.sum(axis=0, keepdims=True)
    p = np.divide(density, total, out=np.zeros_like(density), where=total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(p > 0, p * np.log(p), 0.0), axis=0)
    concentration = 1.0 - entropy / math.log(max(k, 2))
    return np.clip(concentration, 0.05, 1.0).astype(np.float32)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Ideas numbered by size (largest first, ties by first member): stable ids."""
    groups = [g for g in np.unique(labels) if g >= 0]
    order = sorted(groups, key=lambda g: (-(labels == g).sum(), np.argmax(labels == g)))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(g, -1) for g in labels.tolist()], dtype=int)


def _centers(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = labels.max() + 1 if len(labels) and labels.max() >= 0 else 0
    return normalize(np.vstack([vectors[labels == g].mean(axis=0) for g in range(k)])) \
        if k else np.zeros((0, vectors.shape[1]))


def _axes(centers: np.ndarray, random_state: int) -> np.ndarray:
    """A few axes of related ideas: k-means on the ideas' centres, about sqrt(ideas)."""
    k = len(centers)
    if k <= 3:
        return np.zeros(k, dtype=int)
    axes = int(np.clip(round(math.sqrt(k)), 2, 6))
    labels = KMeans(axes, n_init=10, random_state=random_state).fit_predict(centers)
    order = {old: new for new, old in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([order[a] for a in labels], dtype=int)


def find_ideas(proposals: pd.DataFrame, *, language: str | None = None,
               n_ideas: int | None = None, progress: Progress | None = None,
               cache: bool = True) -> IdeaSet:
    """`proposals`: proposal_id, content and optionally votes (which weigh only
    which proposals are shown as examples). Deterministic; kept on disk by
    analytics.metrics.found_ideas.store when `cache`."""
    from analytics.metrics.found_ideas import store

    started = time.perf_counter()
    ids = proposals["proposal_id"].astype(str).tolist()
    texts = ["" if not isinstance(t, str) else t for t in proposals["content"].tolist()]
    votes = (pd.to_numeric(proposals["votes"], errors="coerce").fillna(0).to_numpy()
             if "votes" in proposals else np.zeros(len(ids)))
    language = text.detect_language(texts, language)
    finder = IdeaFinder(language, n_ideas)
    key = store.key(ids, texts, votes, finder.get_params(), METHOD_VERSION) if cache else None
    if key is not None:
        kept = store.load(key)
        if kept is not None:
            return kept
    finder.fit(texts, progress)
    result = naming.describe(finder, ids, texts, votes)
    progress and progress(0.95, "naming the axes")
    method = {"name": "tfidf-lsa-kmeans", "version": METHOD_VERSION, **finder.get_params(),
              "features": ("character 2-3-grams" if text.is_character_language(language)
                           else "lemmas and lemma pairs"),
              "libraries": _versions()}
    idea_set = IdeaSet(result.ideas, result.assignments, language=language, method=method,
                       seconds=time.perf_counter() - started)
    if key is not None:
        store.save(key, idea_set)
    progress and progress(1.0, "done")
    return idea_set


def _versions() -> dict:
    import simplemma

    return {"scikit-learn": sklearn.__version__, "simplemma": simplemma.__version__
            if hasattr(simplemma, "__version__") else "2", "numpy": np.__version__}
