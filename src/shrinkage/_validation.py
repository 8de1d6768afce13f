"""Input validation: the one gate between user data and the compiled kernels.

The Cython kernels run with bounds checking off, so everything they see is
checked and normalised here first:

* ``validate_regression_data`` checks X, y and sample weights with
  scikit-learn's helpers (NaN/inf, complex and object data, shapes, 0 samples
  or features) and makes them kernel-ready: native byte order, float32 or
  float64, dense Fortran-ordered or canonical CSC with int32/int64 indices.
* ``check_*`` functions validate estimator hyper-parameters and name the
  argument and what was expected in every error.
* ``as_design`` packs a validated X into the flat arrays the kernels take.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_scalar
from sklearn.utils.validation import validate_data

FLOAT_DTYPES = (np.float64, np.float32)


def _native(a: np.ndarray) -> np.ndarray:
    """Return ``a`` in native byte order (a copy only when it is not)."""
    if not a.dtype.isnative:
        return a.astype(a.dtype.newbyteorder("="))
    return a


def _canonical_csc(X: Any) -> sp.csc_matrix | sp.csc_array:
    """CSC with summed duplicates, consistent index dtypes and a checked structure.

    CSC input in canonical form is used as is (no copy of its data); CSR and
    other formats are converted once.
    """
    if X.format != "csc":
        X = X.tocsc()
    # Structure check: indptr monotone and within bounds, indices in range.
    # Raises ValueError on an inconsistent matrix instead of letting the
    # kernel read out of bounds.
    try:
        X.check_format(full_check=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"X is not a valid sparse matrix: {exc}") from exc
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    data = _native(X.data)
    indices, indptr = X.indices, X.indptr
    if indices.dtype != indptr.dtype or indices.dtype not in (np.int32, np.int64):
        index_dtype = np.int64 if max(indices.dtype.itemsize,
                                      indptr.dtype.itemsize) > 4 else np.int32
        indices = indices.astype(index_dtype)
        indptr = indptr.astype(index_dtype)
    indices, indptr = _native(indices), _native(indptr)
    if data is not X.data or indices is not X.indices or indptr is not X.indptr:
        X = type(X)((data, indices, indptr), shape=X.shape, copy=False)
    return X


def validate_regression_data(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    *,
    multi_output: bool = False,
    reset: bool = True,
) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """Validate and normalise (X, y, sample_weight) for fitting.

    Returns X as a Fortran-ordered float32/float64 ndarray or a canonical
    CSC matrix, y as a contiguous array of X's dtype, and the sample weights
    (or None for unit weights) as a contiguous array of X's dtype.
    """
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csc", "csr", "coo"],
        dtype=list(FLOAT_DTYPES),
        order="F",
        y_numeric=True,
        multi_output=multi_output,
        reset=reset,
    )
    if sp.issparse(X):
        X = _canonical_csc(X)
    else:
        X = _native(X)
        if not X.flags.f_contiguous:
            X = np.asfortranarray(X)
    y = np.ascontiguousarray(_native(np.asarray(y)), dtype=X.dtype)
    if not np.all(np.isfinite(y)):
        raise ValueError("Input y contains NaN or infinity after conversion "
                         f"to {X.dtype}.")
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    return X, y, sample_weight


def validate_classification_data(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    *,
    reset: bool = True,
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate (X, y, sample_weight) for a classifier.

    X and the weights are normalised as in :func:`validate_regression_data`;
    y may hold labels of any type (numbers, strings). Returns
    ``(X, classes, y_encoded, sample_weight)`` with ``y_encoded`` the int64
    index of each label in the sorted ``classes``. At least two classes are
    required.
    """
    from sklearn.utils.multiclass import check_classification_targets

    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csc", "csr", "coo"],
        dtype=list(FLOAT_DTYPES),
        order="F",
        reset=reset,
    )
    check_classification_targets(y)
    if sp.issparse(X):
        X = _canonical_csc(X)
    else:
        X = _native(X)
        if not X.flags.f_contiguous:
            X = np.asfortranarray(X)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError(
            "This solver needs samples of at least 2 classes in the data, but "
            f"the data contains only one class: {classes[0]!r}."
        )
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    return X, classes, y_encoded.astype(np.int64).ravel(), sample_weight


def validate_predict_data(estimator: Any, X: Any) -> Any:
    """Validate X for ``predict`` against the fitted number of features."""
    return validate_data(
        estimator,
        X,
        accept_sparse=["csr", "csc", "coo"],
        dtype=list(FLOAT_DTYPES),
        reset=False,
    )


def check_sample_weight(
    sample_weight: Any, n_samples: int, dtype: np.dtype
) -> np.ndarray | None:
    """Validate sample weights; None means unit weights.

    A scalar weight is broadcast. Weights must be finite, non-negative,
    of length ``n_samples`` and not all zero.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight)
    try:
        sw = np.asarray(sample_weight)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"sample_weight must be array-like of numbers: {exc}") from exc
    if sw.dtype.kind not in "biuf":
        raise TypeError(
            f"sample_weight must be a numeric array, got dtype {sw.dtype}."
        )
    if sw.ndim != 1:
        raise ValueError(
            f"sample_weight must be 1-dimensional, got shape {sw.shape}."
        )
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {sw.shape[0]} entries but X has {n_samples} samples."
        )
    sw = np.ascontiguousarray(_native(sw), dtype=dtype)
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("sample_weight must be non-negative.")
    if not np.any(sw > 0):
        raise ValueError("sample_weight must have at least one positive entry.")
    return sw


def check_nonnegative_real(value: Any, name: str) -> float:
    """A finite real number >= 0 (alpha, tol, strengths)."""
    check_scalar(value, name, target_type=numbers.Real, min_val=0)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return float(value)


def check_fraction(value: Any, name: str) -> float:
    """A real number in [0, 1] (l1_ratio)."""
    check_scalar(value, name, target_type=numbers.Real, min_val=0, max_val=1)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be in [0, 1], got {value!r}.")
    return float(value)


def check_positive_int(value: Any, name: str) -> int:
    """An integer >= 1 (max_iter)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got bool.")
    check_scalar(value, name, target_type=numbers.Integral, min_val=1)
    return int(value)


def check_bool(value: Any, name: str) -> bool:
    """A boolean flag (fit_intercept, positive, warm_start)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}.")
    return bool(value)


@dataclass(frozen=True)
class Design:
    """A validated design matrix in the flat form the kernels take.

    ``data`` is dense X raveled in Fortran order (a view, no copy) or the
    CSC ``data`` array; ``indices``/``indptr`` are the CSC structure (a
    one-element placeholder for dense X).
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    is_sparse: bool
    n_samples: int
    n_features: int


_DENSE_PLACEHOLDER = np.zeros(1, dtype=np.int32)


def as_design(X: Any) -> Design:
    """Pack X (output of ``validate_regression_data``) for the kernels."""
    n_samples, n_features = X.shape
    if sp.issparse(X):
        return Design(X.data, X.indices, X.indptr, True, n_samples, n_features)
    data = X.ravel(order="F")  # a view: X is Fortran-contiguous here
    return Design(data, _DENSE_PLACEHOLDER, _DENSE_PLACEHOLDER, False,
                  n_samples, n_features)
