"""soft_threshold: the L1 prox, checked against its definition."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage import soft_threshold


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5), (0,)])
def test_matches_definition_any_shape(dtype, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    out = soft_threshold(x, 0.5)
    expected = np.sign(x) * np.maximum(np.abs(x) - dtype(0.5), 0)
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_array_equal(out, expected)


def test_is_the_prox_of_the_l1_norm():
    """argmin_z 1/2 (z - x)^2 + t|z| on a fine grid equals soft_threshold(x, t)."""
    grid = np.linspace(-4, 4, 80001)
    for x in [-3.1, -0.4, 0.0, 0.2, 1.7]:
        z = grid[np.argmin(0.5 * (grid - x) ** 2 + 0.9 * np.abs(grid))]
        assert soft_threshold(x, 0.9) == pytest.approx(z, abs=1e-4)


def test_scalar_list_int_and_no_mutation():
    assert soft_threshold(3, 1.0) == 2.0
    assert soft_threshold([-2, 0, 2], 1.0).tolist() == [-1.0, 0.0, 1.0]
    x = np.array([1.0, -2.0])
    soft_threshold(x, 0.5)
    assert x.tolist() == [1.0, -2.0]
    strided = np.arange(10.0)[::3]
    np.testing.assert_array_equal(soft_threshold(strided, 1.0), [0.0, 2.0, 5.0, 8.0])


def test_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        soft_threshold([1.0], -1.0)
    with pytest.raises(TypeError):
        soft_threshold(["a"], 1.0)
