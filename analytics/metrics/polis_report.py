"""The statistics of the Polis report, as pure functions on vote counts.

Inputs are count arrays, groups × statements: `agree`, `disagree` and `seen` (votes cast,
passes included, as Polis's "S"); a statement's passes are seen − agree − disagree.
The formulas are those of Polis (compdemocracy/polis, math/src/polismath/math/stats.clj
and repness.clj; client-report/src/components for the report), rewritten here:

- per group and statement (`comment-stats`): pa = (na + 1) / (ns + 2), pd likewise, and
  one-proportion z-tests of na and nd against one half;
- against the other groups (`add-comparitive-stats`): the repness ratio
  ra = pa / ((Σ na_others + 1) / (Σ ns_others + 2)) and a two-proportion z-test;
- representative comments (`select-rep-comments`): those with both tests significant at
  90 % (z > 1.2816), for agree or for disagree, sorted by ratio × test × p × p-test, the
  group's "best agree" comment first, the top 5, agrees before disagrees;
- majority opinion (the report's "Majority", `consensus-stats` in the math): over all
  participants, p > 0.5 and its z-test significant, by p × z, top 5 agree and 5 disagree;
- group-informed consensus: the product over groups of (A + 1) / (S + 2);
- areas of uncertainty: passes over 30 % of the votes seen, by share² × passes, top 5.

`excluded` plays the part of Polis's moderated-out comments: the caller leaves out what
must not be shown (fewer than 10 voters)."""

from __future__ import annotations

import numpy as np

# One-sided 90 % significance (Polis's z-sig-90?).
Z_90 = 1.2816
TOP = 5
# The report's areas of uncertainty: more than 30 % of those who saw it passed.
UNCERTAIN_PASS_SHARE = 0.3


def prop_test(successes, trials):
    """Polis's one-proportion z-score (with +1 smoothing) against 1/2."""
    successes, trials = np.asarray(successes, float) + 1, np.asarray(trials, float) + 1
    return 2 * np.sqrt(trials) * (successes / trials - 0.5)


def two_prop_test(success_in, success_out, trials_in, trials_out):
    """Polis's two-proportion z-score (with +1 smoothing): in-group vs the others.
    0 where the pooled proportion is 1 (Polis's own convention)."""
    s1, s2 = np.asarray(success_in, float) + 1, np.asarray(success_out, float) + 1
    n1, n2 = np.asarray(trials_in, float) + 1, np.asarray(trials_out, float) + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(spread > 0, z, 0.0)


def comment_stats(agree, disagree, seen) -> dict[str, np.ndarray]:
    """Polis's `comment-stats` of vote counts (any shape)."""
    na, nd, ns = (np.asarray(x, float) for x in (agree, disagree, seen))
    return {"na": na, "nd": nd, "ns": ns,
            "pa": (na + 1) / (ns + 2), "pd": (nd + 1) / (ns + 2),
            "pat": prop_test(na, ns), "pdt": prop_test(nd, ns)}


def representativeness(agree, disagree, seen, group: int) -> dict[str, np.ndarray]:
    """Polis's repness of every statement for `group` against the other groups
    (`comment-stats`, `add-comparitive-stats`, `finalize-cmt-stats`), one value per
    statement. `agree` tells whether the statement represents the group by agreeing."""
    agree, disagree, seen = (np.atleast_2d(np.asarray(x, float))
                             for x in (agree, disagree, seen))
    stats = comment_stats(agree[group], disagree[group], seen[group])
    rest_a, rest_d, rest_s = (x.sum(axis=0) - x[group] for x in (agree, disagree, seen))
    stats["ra"] = stats["pa"] / ((rest_a + 1) / (rest_s + 2))
    stats["rd"] = stats["pd"] / ((rest_d + 1) / (rest_s + 2))
    stats["rat"] = two_prop_test(stats["na"], rest_a, stats["ns"], rest_s)
    stats["rdt"] = two_prop_test(stats["nd"], rest_d, stats["ns"], rest_s)
    for_agree = stats["rat"] > stats["rdt"]
    stats.update({
        "agree": for_agree,
        "n_success": np.where(for_agree, stats["na"], stats["nd"]),
        "repness": np.where(for_agree, stats["ra"], stats["rd"]),
        "repness_test": np.where(for_agree, stats["rat"], stats["rdt"]),
        "p_success": np.where(for_agree, stats["pa"], stats["pd"]),
        "p_test": np.where(for_agree, stats["pat"], stats["pdt"]),
        # passes-by-test?: both tests significant, for agree or for disagree.
        "passes": (((stats["rat"] > Z_90) & (stats["pat"] > Z_90))
                   | ((stats["rdt"] > Z_90) & (stats["pdt"] > Z_90))),
    })
    # repness-metric: what sorts the representative comments.
    stats["metric"] = (stats["repness"] * stats["repness_test"] * stats["p_success"]
                       * stats["p_test"])
    return stats


def _beats_best_agree(stats: dict, c: int, best: int | None) -> bool:
    """Polis's beats-best-agr?: the group's best "agree" comment so far, by repness once
    one with ra > 1 is held, else by agreement alone."""
    if stats["na"][c] == 0 and stats["nd"][c] == 0:    # never voted on in the group
        return False

    def by_repness(i):
        return stats["ra"][i] * stats["rat"][i] * stats["pa"][i] * stats["pat"][i]

    if best is not None and stats["ra"][best] > 1.0:
        return by_repness(c) > by_repness(best)
    if best is not None:
        return stats["pa"][c] * stats["pat"][c] > stats["pa"][best] * stats["pat"][best]
    return bool(stats["pat"][c] > Z_90 or (stats["ra"][c] > 1.0 and stats["pa"][c] > 0.5))


def representative_comments(agree, disagree, seen, group: int, excluded=(),
                            top: int = TOP) -> list[dict]:
    """Polis's select-rep-comments for one group: statement indices with their figures,
    in the order Polis shows them. When no statement passes both tests, the group's best
    agree (else its best by test alone) stands alone, marked not significant.
    `direction` is the math's "repful-for"; `shown_as` is how Polis's clients label it
    (the best agree as an agree whenever the group agreed with it at all)."""
    stats = representativeness(agree, disagree, seen, group)
    left_out = set(int(c) for c in excluded)
    sufficient: list[int] = []
    best = best_agree = None
    for c in range(len(stats["na"])):       # statements in order, as Polis folds them
        if c in left_out:
            continue
        if stats["passes"][c]:
            sufficient.append(c)
        if not sufficient and (best is None or max(stats["rat"][c], stats["rdt"][c])
                               > stats["repness_test"][best]):
            best = c
        if _beats_best_agree(stats, c, best_agree):
            best_agree = c
    head = [best_agree] if best_agree is not None else []
    if not sufficient:
        chosen = head or ([best] if best is not None else [])
    else:
        # Stable sort by the metric (ties keep statement order), best agree in front.
        ranked = sorted((c for c in sufficient if c != best_agree),
                        key=lambda c: -stats["metric"][c])
        chosen = (head + ranked)[:top]
        chosen = ([c for c in chosen if stats["agree"][c]]
                  + [c for c in chosen if not stats["agree"][c]])
    return [{"index": c, "direction": "agree" if stats["agree"][c] else "disagree",
             # Polis's clients show the best agree as an agree when the group has agreed.
             "shown_as": "agree" if stats["agree"][c] or (c == best_agree
                                                          and stats["na"][c] > 0)
             else "disagree",
             "n_success": int(stats["n_success"][c]), "n_trials": int(stats["ns"][c]),
             "p_success": float(stats["p_success"][c]), "p_test": float(stats["p_test"][c]),
             "repness": float(stats["repness"][c]),
             "repness_test": float(stats["repness_test"][c]),
             "significant": bool(stats["passes"][c]), "best_agree": c == best_agree}
            for c in chosen]


def _overall(counts) -> np.ndarray:
    """Counts over all participants: the sum over groups of a groups × statements array."""
    counts = np.asarray(counts, float)
    return counts.sum(axis=0) if counts.ndim == 2 else counts


def majority(agree, disagree, seen, excluded=(), top: int = TOP) -> dict[str, list[dict]]:
    """Polis's majority opinion (`select-consensus-comments`): over all participants,
    statements with p > 0.5 and a significant z-test, by p × z, top `top` for agree and
    for disagree. Each item: statement index, successes, votes, p and z."""
    stats = comment_stats(_overall(agree), _overall(disagree), _overall(seen))
    keep = np.ones(len(stats["ns"]), dtype=bool)
    keep[np.asarray(list(excluded), dtype=int)] = False
    result = {}
    for direction, n, p, z in (("agree", "na", "pa", "pat"), ("disagree", "nd", "pd", "pdt")):
        candidates = np.flatnonzero(keep & (stats[p] > 0.5) & (stats[z] > Z_90))
        metric = stats[p][candidates] * stats[z][candidates]
        ranked = candidates[np.argsort(-metric, kind="stable")][:top]
        result[direction] = [{"index": int(c), "n_success": int(stats[n][c]),
                              "n_trials": int(stats["ns"][c]), "p_success": float(stats[p][c]),
                              "p_test": float(stats[z][c])} for c in ranked]
    return result


def group_consensus(agree, seen) -> np.ndarray:
    """Group-informed consensus: prod over groups of (agree_g + 1) / (seen_g + 2).
    `agree` and `seen` are groups × statements."""
    return np.prod((np.asarray(agree, float) + 1) / (np.asarray(seen, float) + 2), axis=0)


def uncertainty(passed, seen, excluded=(), top: int = TOP) -> list[dict]:
    """The report's areas of uncertainty: statements where more than 30 % of the votes
    seen are passes, by share² × passes (the report's order), top `top`."""
    passed, seen = _overall(passed), _overall(seen)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(seen > 0, passed / seen, 0.0)
    keep = share > UNCERTAIN_PASS_SHARE
    keep[np.asarray(list(excluded), dtype=int)] = False
    candidates = np.flatnonzero(keep)
    order = np.argsort(-(share[candidates] ** 2 * passed[candidates]), kind="stable")
    return [{"index": int(c), "passed": int(passed[c]), "seen": int(seen[c]),
             "share": float(share[c])} for c in candidates[order][:top]]
