"""Small-sample statistics for comparing segments: Wilson score intervals, the
two-proportion z-test and Holm's correction for multiple comparisons, from statsmodels
(`proportion_confint`, `test_proportions_2indep`; Holm's correction is written here,
see `holm`). This module keeps
only the project's conventions around them: arrays of any shape, weighted (non-integer)
counts, NaN where a test cannot be run, and no difference (z = 0, p = 1) when both groups
are all successes or all failures.

Why Holm (and not Benjamini–Hochberg) for the marks on the Segments page:
- a journalist reads each marked difference as a finding to report on its own
  ("the 16-24 agree more than the 65+"), so the guarantee that matters is that
  the chance of even one false mark in a table stays under 5 % (family-wise
  error rate), not that false marks are 5 % of the marks on average (false
  discovery rate, BH);
- pairwise comparisons share their groups (16-24 vs 25-34 and 16-24 vs 65+
  both use the 16-24), so the tests are dependent in both directions; Holm
  holds under any dependence, BH's guarantee needs positive dependence (PRDS);
- Holm is uniformly more powerful than Bonferroni, and with a few to a few
  dozen pairs per table (3 for gender, 21 for seven age bands) the loss of
  power against BH is small.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

ALPHA = 0.05
Z_95 = float(norm.ppf(1 - ALPHA / 2))     # 1.95996..., the 97.5 % quantile of N(0, 1)


def _array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def wilson_interval(successes, n, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion, as (lower, upper) in [0, 1].

    `successes` and `n` may be arrays and need not be integers (weighted counts:
    pass the share times the effective sample size). NaN where n is 0."""
    x, n = np.broadcast_arrays(_array(successes), _array(n))
    lower, upper = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    valid = n > 0
    if valid.any():
        low, high = proportion_confint(x[valid], n[valid], alpha=2 * norm.sf(z),
                                       method="wilson")
        lower[valid], upper[valid] = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    return lower, upper


def normal_two_sided_p(z) -> np.ndarray:
    """P(|Z| >= |z|) for a standard normal Z."""
    return 2 * norm.sf(np.abs(_array(z)))


def two_proportion_test(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided z-test of p1 = p2 with the pooled variance (statsmodels' score test
    without correction): z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)),
    p = (x1 + x2) / (n1 + n2). Returns (z, p-value). When both groups are all
    successes or all failures the difference is 0 and so is z (p-value 1); NaN when
    a group is empty."""
    x1, n1, x2, n2 = np.broadcast_arrays(*(_array(v) for v in (x1, n1, x2, n2)))
    z = np.full(x1.shape, np.nan)
    both = (n1 > 0) & (n2 > 0)
    pooled = np.divide(x1 + x2, n1 + n2, out=np.zeros(x1.shape), where=both)
    testable = both & (pooled > 0) & (pooled < 1)
    z[both & ~testable] = 0.0
    if testable.any():
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            z[testable] = test_proportions_2indep(
                x1[testable], n1[testable], x2[testable], n2[testable],
                method="score", correction=False, return_results=True).statistic
    return z, normal_two_sided_p(z)


def holm(p_values, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down correction. Returns (adjusted p-values, rejected).

    Sorted ascending, p_(i) is compared with alpha / (m - i + 1); the adjusted
    value is max over j <= i of min(1, (m - j + 1) p_(j)). NaN p-values (tests
    that could not be run) are left out of the family and stay NaN / False.

    Written here rather than statsmodels' `multipletests(method="holm")`, which gives
    the same values (tests/test_stats.py checks it) but runs a full `gc.collect()` on
    every call: 0.05 ms here against 260-300 ms there in the app's process (README
    "Statistics"), and the Segments page corrects two tables per view."""
    p = _array(p_values)
    adjusted = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m:
        order = valid[np.argsort(p[valid], kind="stable")]
        factors = m - np.arange(m)
        adjusted[order] = np.minimum(np.maximum.accumulate(factors * p[order]), 1.0)
    rejected = np.where(np.isnan(adjusted), False, adjusted <= alpha)
    return adjusted, rejected.astype(bool)


def effective_sample_size(weights) -> float:
    """Kish's effective sample size: (sum w)^2 / sum w^2 (n when all weights are equal)."""
    w = _array(weights)
    total = float(w.sum())
    squares = float((w * w).sum())
    return total * total / squares if squares > 0 else 0.0
