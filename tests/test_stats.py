"""Wilson intervals, the two-proportion z-test, Holm's correction and Kish's
effective sample size against values worked out by hand."""

import math

import numpy as np
import pytest

from analytics.metrics import stats


def test_wilson_half_of_a_hundred():
    # p = 0.5, n = 100, z² = 3.8415: centre 0.5, half-width
    # 1.96 / 1.038415 × sqrt(0.0025 + 3.8415 / 40000) = 0.09617
    lower, upper = stats.wilson_interval(50, 100)
    assert float(lower) == pytest.approx(0.4038, abs=1e-4)
    assert float(upper) == pytest.approx(0.5962, abs=1e-4)


def test_wilson_none_and_all_of_ten():
    # 0 of 10: centre = half = (z²/20) / (1 + z²/10) = 0.19207 / 1.38415 = 0.13876
    lower, upper = stats.wilson_interval(0, 10)
    assert float(lower) == pytest.approx(0.0, abs=1e-12)
    assert float(upper) == pytest.approx(0.2775, abs=1e-4)
    # 10 of 10 mirrors it
    lower, upper = stats.wilson_interval(10, 10)
    assert float(lower) == pytest.approx(0.7225, abs=1e-4)
    assert float(upper) == pytest.approx(1.0, abs=1e-12)


def test_wilson_vectorised_empty_and_fractional():
    lower, upper = stats.wilson_interval([50, 0, 12.5], [100, 0, 25])
    assert np.isnan(lower[1]) and np.isnan(upper[1])
    # 12.5 "successes" of 25 (a weighted count) is p = 0.5 at n = 25:
    # half-width 1.96 / 1.153660 × sqrt(0.01 + 3.8415 / 2500) = 0.18248
    assert lower[2] == pytest.approx(0.5 - 0.18248, abs=1e-4)
    assert upper[2] == pytest.approx(0.5 + 0.18248, abs=1e-4)
    assert lower[0] == pytest.approx(0.4038, abs=1e-4)


def test_two_proportion_z_by_hand():
    # 30/40 vs 20/50: pooled p = 50/90 = 0.55556,
    # se = sqrt(0.55556 × 0.44444 × (1/40 + 1/50)) = sqrt(0.011111) = 0.105409,
    # z = 0.35 / 0.105409 = 3.3204, p = 2 (1 − Φ(3.3204)) = 0.000899
    z, p = stats.two_proportion_test(30, 40, 20, 50)
    assert float(z) == pytest.approx(3.3204, abs=1e-4)
    assert float(p) == pytest.approx(0.000899, abs=2e-6)
    # 60/100 vs 45/100: pooled 0.525, se = sqrt(0.525 × 0.475 × 0.02) = 0.070622,
    # z = 0.15 / 0.070622 = 2.1240, p = 2 (1 − Φ(2.1240)) = 0.03367
    z, p = stats.two_proportion_test(60, 100, 45, 100)
    assert float(z) == pytest.approx(2.1240, abs=1e-4)
    assert float(p) == pytest.approx(0.03367, abs=1e-5)


def test_two_proportion_sign_and_degenerate_cases():
    z, _ = stats.two_proportion_test(20, 50, 30, 40)
    assert float(z) == pytest.approx(-3.3204, abs=1e-4)
    z, p = stats.two_proportion_test(10, 10, 20, 20)      # both all agree: no difference
    assert float(z) == 0.0 and float(p) == 1.0
    z, p = stats.two_proportion_test(0, 0, 2, 3)          # an empty group: no test
    assert math.isnan(float(z)) and math.isnan(float(p))


def test_normal_tail():
    assert float(stats.normal_two_sided_p(1.959963984540054)) == pytest.approx(0.05, abs=1e-9)
    assert float(stats.normal_two_sided_p(0.0)) == 1.0


def test_holm_by_hand():
    # sorted: 0.005 × 4 = 0.02; 0.01 × 3 = 0.03; 0.03 × 2 = 0.06; 0.04 × 1 = 0.04 -> 0.06
    # (adjusted values never decrease along the sorted order)
    adjusted, rejected = stats.holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert rejected.tolist() == [True, False, False, True]


def test_holm_is_between_bonferroni_and_none():
    p = np.array([0.012, 0.013, 0.02])
    adjusted, rejected = stats.holm(p)
    # Bonferroni keeps two (0.036, 0.039; 0.06 is over 0.05); Holm keeps
    # 0.012 × 3 = 0.036, 0.013 × 2 = 0.026 -> 0.036, 0.02 × 1 -> 0.036: all three.
    assert adjusted.tolist() == pytest.approx([0.036, 0.036, 0.036])
    assert rejected.all()


def test_holm_leaves_untested_pairs_out():
    adjusted, rejected = stats.holm([0.01, float("nan"), 0.03])
    # family of 2: 0.01 × 2 = 0.02, 0.03 × 1 -> 0.03
    assert adjusted[0] == pytest.approx(0.02) and adjusted[2] == pytest.approx(0.03)
    assert math.isnan(adjusted[1]) and not rejected[1]
    assert stats.holm([])[0].size == 0


def test_effective_sample_size_by_hand():
    # (1 + 1 + 2 + 2)² / (1 + 1 + 4 + 4) = 36 / 10
    assert stats.effective_sample_size([1, 1, 2, 2]) == pytest.approx(3.6)
    assert stats.effective_sample_size([0.7] * 25) == pytest.approx(25)
    assert stats.effective_sample_size([]) == 0.0


def test_holm_gives_statsmodels_values():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.01, 0.04, 0.03, 0.2, 0.005, 0.049, 0.5])
    adjusted, rejected = stats.holm(p)
    expected_rejected, expected_adjusted = multipletests(p, alpha=0.05, method="holm")[:2]
    np.testing.assert_allclose(adjusted, expected_adjusted)
    np.testing.assert_array_equal(rejected, expected_rejected)
