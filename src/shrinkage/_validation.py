"""Input validation: the one gate between user data and the compiled kernels.

The Cython kernels run with bounds checking off, so everything they see is
checked and normalised here first:

* ``validate_regression_data`` checks X, y and sample weights with
  scikit-learn's helpers (NaN/inf, complex and object data, shapes, 0 samples
  or features) and makes them kernel-ready: native byte order, float32 or
  float64, dense Fortran-ordered or canonical CSC with int32/int64 indices.
* ``check_sparse_structure`` checks the index arrays of sparse input before
  anything compiled (scipy's conversions and products included) reads them,
  so a corrupted matrix raises ValueError instead of crashing the process.
* ``check_*`` functions validate estimator hyper-parameters and name the
  argument and what was expected in every error.
* ``as_design`` packs a validated X into the flat arrays the kernels take.
"""

from __future__ import annotations

import itertools
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


def _invalid_sparse(name: str, problem: str) -> ValueError:
    return ValueError(f"{name} is not a valid sparse matrix: {problem}.")


def _check_index_array(a: Any, what: str, name: str) -> np.ndarray:
    """A 1-D integer index array (any integer width or signedness)."""
    a = np.asarray(a)
    if a.ndim != 1 or a.dtype.kind not in "iu":
        raise _invalid_sparse(
            name,
            f"{what} must be a 1-D integer array, got dtype {a.dtype} "
            f"and shape {a.shape}",
        )
    return a


def _check_in_range(idx: np.ndarray, upper: int, what: str, name: str) -> None:
    """Every entry of ``idx`` in [0, upper)."""
    if idx.size and (idx.min() < 0 or idx.max() >= upper):
        raise _invalid_sparse(
            name,
            f"{what} must lie in [0, {upper}), found values in "
            f"[{idx.min()}, {idx.max()}]",
        )


def _check_compressed(
    indptr: Any,
    indices: Any,
    n_major: int,
    n_minor: int,
    n_stored: int,
    name: str,
) -> None:
    """CSR/CSC/BSR structure: ``indptr`` of length n_major + 1, starting at 0,
    non-decreasing and ending within the stored entries; ``indices`` of the
    entries it covers in [0, n_minor). Unsorted or duplicate indices are
    valid (duplicates are summed later)."""
    indptr = _check_index_array(indptr, "indptr", name)
    indices = _check_index_array(indices, "indices", name)
    if indptr.shape[0] != n_major + 1:
        raise _invalid_sparse(
            name, f"indptr has {indptr.shape[0]} entries, expected {n_major + 1}"
        )
    if indptr[0] != 0:
        raise _invalid_sparse(name, f"indptr[0] is {indptr[0]}, expected 0")
    if np.any(indptr[1:] < indptr[:-1]):
        raise _invalid_sparse(name, "indptr must be non-decreasing")
    nnz = int(indptr[-1])
    if nnz > indices.shape[0] or nnz > n_stored:
        raise _invalid_sparse(
            name,
            f"indptr[-1] = {nnz} exceeds the {min(indices.shape[0], n_stored)} "
            "stored entries",
        )
    _check_in_range(indices[:nnz], n_minor, "indices", name)


def _lil_as_coo(X: Any, name: str) -> Any:
    """An equivalent COO for a LIL matrix, after checking its row lists.

    scipy's own LIL conversion trusts that ``rows[i]`` and ``data[i]`` have
    equal lengths and in-range columns; both are checked here.
    """
    n_rows = X.shape[0]
    rows, data = np.asarray(X.rows), np.asarray(X.data)
    if rows.shape != (n_rows,) or data.shape != (n_rows,):
        raise _invalid_sparse(name, f"rows and data must hold {n_rows} lists")
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=n_rows)
    if not np.array_equal(lengths, np.fromiter(map(len, data), np.intp, n_rows)):
        raise _invalid_sparse(name, "rows[i] and data[i] differ in length")
    row = np.repeat(np.arange(n_rows), lengths)
    col = np.array(list(itertools.chain.from_iterable(rows)))
    if col.size == 0:
        col = col.astype(np.intp)  # np.array([]) is float64
    col = _check_index_array(col, "column indices", name)
    _check_in_range(col, X.shape[1], "column indices", name)
    values = np.array(list(itertools.chain.from_iterable(data)), dtype=X.dtype)
    coo = sp.coo_array if isinstance(X, sp.sparray) else sp.coo_matrix
    return coo((values, (row, col)), shape=X.shape)


def check_sparse_structure(X: Any, name: str = "X") -> Any:
    """Raise ValueError unless the index arrays of sparse ``X`` are consistent.

    scipy's compiled routines (format conversions, products,
    ``sum_duplicates``) and our kernels index memory with these arrays
    unchecked, so a matrix whose ``indices``/``indptr``/``row``/``col`` were
    edited after construction must be caught before any of them runs. Only
    reads X (scipy's ``check_format`` would rebind its attributes); returns
    X, except a LIL matrix, which comes back as an equivalent checked COO.
    Dense input is returned unchanged.
    """
    if not sp.issparse(X):
        return X
    if X.ndim != 2:  # scipy's sparse arrays can be 1-D or n-D (COO)
        raise ValueError(
            f"Expected a 2D sparse matrix for {name}, got a sparse array of "
            f"shape {X.shape}."
        )
    n_rows, n_cols = X.shape
    fmt = X.format
    if fmt in ("csr", "csc"):
        n_major, n_minor = (n_rows, n_cols) if fmt == "csr" else (n_cols, n_rows)
        _check_compressed(
            X.indptr, X.indices, n_major, n_minor, np.asarray(X.data).shape[0], name
        )
    elif fmt == "bsr":
        block_rows, block_cols = X.blocksize
        data = np.asarray(X.data)
        if (
            n_rows % block_rows
            or n_cols % block_cols
            or data.ndim != 3
            or data.shape[1:] != (block_rows, block_cols)
        ):
            raise _invalid_sparse(
                name,
                f"blocks of shape {data.shape[1:]} do not tile {X.shape} "
                f"with blocksize {X.blocksize}",
            )
        _check_compressed(
            X.indptr,
            X.indices,
            n_rows // block_rows,
            n_cols // block_cols,
            data.shape[0],
            name,
        )
    elif fmt == "coo":
        row = _check_index_array(X.row, "row", name)
        col = _check_index_array(X.col, "col", name)
        n_stored = np.asarray(X.data).shape[0]
        if row.shape[0] != n_stored or col.shape[0] != n_stored:
            raise _invalid_sparse(
                name,
                f"row, col and data have {row.shape[0]}, {col.shape[0]} "
                f"and {n_stored} entries",
            )
        _check_in_range(row, n_rows, "row", name)
        _check_in_range(col, n_cols, "col", name)
    elif fmt == "lil":
        X = _lil_as_coo(X, name)
    # dok and dia are converted by scipy through checked COO construction or
    # plain NumPy indexing: nothing unchecked reads their structure.
    return X


def _canonical_csc(X: Any) -> sp.csc_matrix | sp.csc_array:
    """CSC with summed duplicates and consistent index dtypes.

    X must have passed :func:`check_sparse_structure`. CSC input in canonical
    form is used as is (no copy of its data); CSR and other formats are
    converted once.
    """
    if X.format != "csc":
        X = X.tocsc()
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    data = _native(X.data)
    indices, indptr = X.indices, X.indptr
    if indices.dtype != indptr.dtype or indices.dtype not in (np.int32, np.int64):
        # One signed width for both (the kernels take a single index type):
        # int32 when every index and offset fits, as for uint32 or int16.
        int32_max = np.iinfo(np.int32).max
        fits_int32 = (
            max(indices.dtype.itemsize, indptr.dtype.itemsize) <= 4
            and max(X.shape[0], int(indptr[-1])) <= int32_max
        )
        index_dtype = np.int32 if fits_int32 else np.int64
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
    X = check_sparse_structure(X)
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
    with np.errstate(over="ignore"):  # overflow is reported just below
        y = np.ascontiguousarray(_native(np.asarray(y)), dtype=X.dtype)
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"Input y contains NaN or infinity after conversion to {X.dtype}."
        )
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

    X = check_sparse_structure(X)
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
    # Sparse products in predict run compiled code on X's index arrays.
    X = check_sparse_structure(X)
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
    of length ``n_samples`` and not all zero, both as given and after the
    cast to ``dtype`` (float32 can overflow or flush tiny weights to zero).
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
        raise TypeError(f"sample_weight must be a numeric array, got dtype {sw.dtype}.")
    if sw.ndim != 1:
        raise ValueError(f"sample_weight must be 1-dimensional, got shape {sw.shape}.")
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {sw.shape[0]} entries but X has {n_samples} samples."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(sw < 0):
        raise ValueError("sample_weight must be non-negative.")
    if not np.any(sw > 0):
        raise ValueError(
            "sample_weight must not be all zero: at least one weight must be positive."
        )
    with np.errstate(over="ignore"):  # overflow is reported just below
        sw = np.ascontiguousarray(_native(sw), dtype=dtype)
    if not np.all(np.isfinite(sw)):
        raise ValueError(
            f"sample_weight contains NaN or infinity after conversion to {sw.dtype}."
        )
    # The kernels divide by the total weight, accumulated in float64.
    with np.errstate(over="ignore"):  # overflow is reported just below
        total = sw.sum(dtype=np.float64)
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight overflows in {sw.dtype} (its sum is not finite); "
            "rescale the weights."
        )
    if total == 0.0:
        raise ValueError(
            f"sample_weight is all zero after conversion to {sw.dtype}: the "
            "weights are too small for X's dtype; rescale them."
        )
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
    return Design(
        data, _DENSE_PLACEHOLDER, _DENSE_PLACEHOLDER, False, n_samples, n_features
    )
