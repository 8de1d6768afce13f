"""Proximal operators of the penalties, as public vectorised functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._kernels._enet import soft_threshold_inplace
from ._validation import check_nonnegative_real


def soft_threshold(x: Any, threshold: float) -> np.ndarray | float:
    """Soft-thresholding, the proximal operator of ``threshold * |.|``.

    ``soft_threshold(x, t) = sign(x) * max(|x| - t, 0)``, elementwise: the
    minimiser of ``1/2 (z - x)^2 + t |z|`` (Donoho & Johnstone 1994). It is
    the coordinate update of the Lasso.

    Parameters
    ----------
    x : array-like of any shape, or a scalar
        float32 input stays float32; other numeric input becomes float64.
    threshold : float
        Non-negative threshold.

    Returns
    -------
    ndarray of x's shape (a new array), or a float for scalar input.

    Examples
    --------
    >>> from shrinkage import soft_threshold
    >>> soft_threshold([-2.0, -0.5, 0.0, 0.5, 3.0], 1.0).tolist()
    [-1.0, 0.0, 0.0, 0.0, 2.0]
    """
    t = check_nonnegative_real(threshold, "threshold")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"soft_threshold needs real numbers, got dtype {arr.dtype}.")
    dtype = np.float32 if arr.dtype == np.float32 else np.float64
    out = np.array(arr, dtype=dtype, order="C", copy=True)
    if out.size:
        soft_threshold_inplace(out.reshape(-1), t)
    if np.ndim(x) == 0:
        return float(out)
    return out
