"""Small-sample statistics for comparing segments: Wilson score intervals, the
two-proportion z-test and Holm's correction for multiple comparisons.

Pure numpy and the standard library (no scipy): the normal distribution is
`math.erfc`.

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

import math

import numpy as np

ALPHA = 0.05
Z_95 = 1.959963984540054          # the 97.5 % quantile of the standard normal


def _array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def wilson_interval(successes, n, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion, as (lower, upper) in [0, 1].

    `successes` and `n` may be arrays and need not be integers (weighted counts:
    pass the share times the effective sample size). NaN where n is 0."""
    x, n = _array(successes), _array(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lower, upper


def normal_two_sided_p(z) -> np.ndarray:
    """P(|Z| >= |z|) for a standard normal Z."""
    z = _array(z)
    erfc = np.frompyfunc(math.erfc, 1, 1)
    with np.errstate(invalid="ignore"):
        p = np.asarray(erfc(np.abs(z) / math.sqrt(2.0)), dtype=float)
    return np.where(np.isnan(z), np.nan, p)


def two_proportion_test(x1, n1, x2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided z-test of p1 = p2 with the pooled variance:
    z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p = (x1 + x2) / (n1 + n2).
    Returns (z, p-value). When both groups are all successes or all failures the
    difference is 0 and so is z (p-value 1); NaN when a group is empty."""
    x1, n1, x2, n2 = (_array(v) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        diff = x1 / n1 - x2 / n2
        z = np.where(se > 0, diff / se, 0.0)
    z = np.where((n1 > 0) & (n2 > 0), z, np.nan)
    return z, normal_two_sided_p(z)


def holm(p_values, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down correction. Returns (adjusted p-values, rejected).

    Sorted ascending, p_(i) is compared with alpha / (m - i + 1); the adjusted
    value is max over j <= i of min(1, (m - j + 1) p_(j)). NaN p-values (tests
    that could not be run) are left out of the family and stay NaN / False."""
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
