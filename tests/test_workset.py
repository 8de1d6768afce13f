"""Working-set helpers (``_kernels/_workset.pxd``)."""

from __future__ import annotations

import numpy as np
import pytest
from shrinkage._kernels._enet import sort_distinct_inplace


@pytest.mark.parametrize("p", [1, 63, 64, 65, 128, 1000, 47117])
@pytest.mark.parametrize("share", [0.01, 0.3, 1.0])
def test_bitmap_sort_orders_distinct_indices(p, share):
    rng = np.random.default_rng(p)
    k = max(1, int(share * p))
    chosen = rng.choice(p, size=k, replace=False).astype(np.intp)
    idx = chosen.copy()
    # the bitmap is left zero for its next use
    assert sort_distinct_inplace(idx)
    np.testing.assert_array_equal(idx, np.sort(chosen))


@pytest.mark.parametrize(
    "values", [[], [5], [64, 63], [0, 127, 64, 1], [200, 3, 191, 192, 4]]
)
def test_bitmap_sort_edge_cases(values):
    idx = np.array(values, dtype=np.intp)
    assert sort_distinct_inplace(idx)
    np.testing.assert_array_equal(idx, sorted(values))


@pytest.mark.parametrize("values", [[3, 3], [-1, 2]])
def test_bitmap_sort_rejects_repeated_or_negative_indices(values):
    with pytest.raises(ValueError, match="distinct non-negative"):
        sort_distinct_inplace(np.array(values, dtype=np.intp))
