"""Input validation: the one gate between user data and the compiled kernels.

The Cython kernels run with bounds checking off, so everything they see is
checked and normalised here first:

* ``validate_regression_data`` checks X, y and sample weights with
  scikit-learn's helpers (complex and object data, shapes, 0 samples or
  features, NaN/inf in y), checks X for NaN/inf and overflowing magnitudes in
  one compiled pass (``check_magnitudes``), and makes them kernel-ready:
  native byte order, float32 or float64, dense Fortran-ordered or canonical
  CSC with int32/int64 indices.
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
from sklearn.model_selection import check_cv
from sklearn.utils import check_scalar
from sklearn.utils.validation import check_array, check_X_y, validate_data

from ._kernels._enet import finite_max_abs

FLOAT_DTYPES = (np.float64, np.float32)


def _reject_dates(value: Any, name: str) -> None:
    """TypeError for datetime64/timedelta64 data.

    NumPy casts them to float as raw integer counts (NaT becomes -9.2e18),
    so a fit would silently run on meaningless numbers.
    """
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "mM":
        raise TypeError(
            f"{name} has dtype {dtype}: dates and durations are not numbers; "
            "convert them explicitly (e.g. to days since a reference date)."
        )


_FLOAT_DTYPES_NATIVE = tuple(np.dtype(t) for t in FLOAT_DTYPES)
_PLAIN_SPARSE = (sp.csc_matrix, sp.csr_matrix, sp.csc_array, sp.csr_array)


def _plain_fit_data(estimator: Any, X: Any, y: Any, reset: bool) -> bool:
    """Whether (X, y) is input that scikit-learn's fit-time validation (as
    called by this module: float dtypes, sparse CSC/CSR/COO accepted, X's
    values not checked) would return unchanged, with no error or warning.

    True only for the plainest input: X a NumPy array (exactly, not a
    subclass) or a SciPy CSC/CSR matrix or array, 2-D, with at least one row
    and one column, of native float32/float64; y a 1-D NumPy array of
    booleans, integers or finite floats with one value per row; with
    ``reset`` false, an estimator fitted on as many features and without
    feature names. Such input cannot be a dataframe and needs no
    conversion, so scikit-learn's work reduces to recording
    ``n_features_in_`` and forgetting earlier feature names. Anything else
    is left to scikit-learn, with its errors and warnings.

    (In scikit-learn 1.9, ``validate_data`` asks narwhals several times
    whether X and y are dataframes, through ``inspect.getattr_static``: in a
    profile of repeated small fits, a share of the fit comparable with the
    solve itself.)
    """
    if type(X) is np.ndarray:
        if X.ndim != 2:
            return False
    elif type(X) not in _PLAIN_SPARSE:
        return False
    if X.dtype not in _FLOAT_DTYPES_NATIVE or X.shape[0] < 1 or X.shape[1] < 1:
        return False
    if not (
        type(y) is np.ndarray
        and y.ndim == 1
        and y.shape[0] == X.shape[0]
        and y.dtype.kind in "biuf"
        and y.dtype.isnative
    ):
        return False
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        return False  # (scikit-learn names the problem)
    if estimator is None:
        return True
    if hasattr(estimator, "feature_names_in_"):
        return False
    return reset or getattr(estimator, "n_features_in_", None) == X.shape[1]


def _validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    """scikit-learn's ``validate_data``, with OverflowError (Python ints
    beyond float64 in object arrays or lists) reported as ValueError.

    ``estimator`` None (a function such as a path, with no fitted state):
    the same checks without the estimator's feature-name and n_features_in_
    bookkeeping, by ``check_X_y`` (``check_array`` for X alone).

    At fit time (X and y, X's values not checked: the callers below),
    input that :func:`_plain_fit_data` accepts skips scikit-learn: it would
    return X and y unchanged, so only ``n_features_in_`` is set here.
    """
    reset = kwargs.get("reset", True)
    if (
        len(args) == 2
        and kwargs.get("ensure_all_finite") is False
        and _plain_fit_data(estimator, args[0], args[1], reset)
    ):
        if estimator is not None and reset:
            estimator.n_features_in_ = args[0].shape[1]
        return args
    try:
        if estimator is None:
            kwargs.pop("reset", None)
            if len(args) == 1:
                return check_array(args[0], **kwargs)
            return check_X_y(*args, **kwargs)
        return validate_data(estimator, *args, **kwargs)
    except OverflowError as exc:
        what = "X or y" if len(args) > 1 else "X"
        raise ValueError(
            f"{what} holds a number too large for float64 ({exc})."
        ) from exc


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


def _pruned(X: Any) -> Any:
    """A checked CSR/CSC/BSR matrix over the stored entries ``indptr``
    covers: X itself when ``indices`` and ``data`` end there, else the same
    type built on views of their leading parts."""
    nnz = int(X.indptr[-1])
    if X.indices.shape[0] == nnz and np.asarray(X.data).shape[0] == nnz:
        return X
    args = (np.asarray(X.data)[:nnz], X.indices[:nnz], X.indptr)
    if X.format == "bsr":
        return type(X)(args, shape=X.shape, blocksize=X.blocksize, copy=False)
    return type(X)(args, shape=X.shape, copy=False)


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
    X, except a LIL matrix, which comes back as an equivalent checked COO,
    and a CSR/CSC/BSR matrix whose ``indices`` or ``data`` run past
    ``indptr[-1]``, which comes back over their leading parts (views, as
    scipy's ``prune`` would make): some of scipy's compiled routines size
    their work by those arrays' lengths, and one such matrix corrupted the
    heap in ``RidgeCV`` (found by ``tests/test_fuzz.py``).
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
        return _pruned(X)
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
        return _pruned(X)
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
    check_values: bool = True,
) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """Validate and normalise (X, y, sample_weight) for fitting.

    ``estimator``: the estimator being fitted (scikit-learn's feature-name
    and ``n_features_in_`` checks), or None for a function (a path).
    Returns X as a Fortran-ordered float32/float64 ndarray or a canonical
    CSC matrix, y as a contiguous array of X's dtype, and the sample weights
    (or None for unit weights) as a contiguous array of X's dtype.

    ``check_values=False`` leaves :func:`check_magnitudes` (X's NaN/inf and
    the magnitudes of X and y) to the caller, which must run it before any
    solver sees the data: a single fit takes X's part from the pass that
    computes its column statistics (``design_stats(..., summary=True)``),
    which reads X's values without indexing by them.
    """
    X = check_sparse_structure(X)
    _reject_dates(X, "X")
    _reject_dates(y, "y")
    X, y = _validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csc", "csr", "coo"],
        dtype=list(FLOAT_DTYPES),
        order="F",
        ensure_all_finite=False,  # checked with the magnitudes, in one pass
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
    if check_values:
        check_magnitudes(X, y, sample_weight)
    return X, y, sample_weight


def _largest_magnitude(a: np.ndarray) -> float:
    """max |a| without a temporary copy of ``a``."""
    if a.size == 0:
        return 0.0
    return max(float(a.max()), -float(a.min()))


def check_magnitudes(
    X: Any,
    y: np.ndarray | None,
    sample_weight: Any,
    x_summary: tuple[bool, float] | None = None,
) -> None:
    """ValueError when X is not finite, or data too extreme for the solvers.

    The solvers form (weighted, centred) sums of squares such as
    ``sum_i sw_i (x_ij - xbar_j)^2``: values beyond about
    ``sqrt(max / (4 max(n, S)))`` of X's dtype overflow them (the answer
    would be NaN, or worse a wrong zero coefficient with a zero gap). A y
    that varies by less than ``sqrt(tiny)`` of float64 (about 1e-154) has
    squared deviations that underflow to 0, and would be taken for a
    constant. Both are rejected here, naming the argument.

    ``x_summary``: ``(finite_sums, bound)`` of X's stored values from
    ``design_stats(..., summary=True)`` (their sums are finite; ``bound`` >=
    max |x|). It settles X's check when both pass; otherwise one compiled
    pass over X decides exactly, so the errors are the same either way.
    """
    data = X.data if sp.issparse(X) else X
    info = np.finfo(data.dtype)
    n = X.shape[0]
    total = n if sample_weight is None else max(n, float(sample_weight.sum()))
    limit = float(np.sqrt(info.max / (4.0 * total)))
    # X's finiteness and largest magnitude in one compiled pass (the
    # validators ask scikit-learn not to check X's finiteness: that pass,
    # then a max and a min, read a large X three times).
    flat = np.ravel(data, order="K")
    if x_summary is not None and x_summary[0] and x_summary[1] <= limit:
        finite, top_x = True, float(x_summary[1])
    else:
        finite, top_x = finite_max_abs(flat)
    if not finite:
        what = (
            "NaN"
            if np.isnan(flat).any()
            else f"infinity or a value too large for {data.dtype!r}"
        )
        raise ValueError(f"Input X contains {what}.")
    arrays = [("X", top_x)] + ([] if y is None else [("y", _largest_magnitude(y))])
    for name, top in arrays:
        if top > limit:
            raise ValueError(
                f"{name} has values as large as {top:.3g} in magnitude: with "
                f"{n} samples their sums of squares overflow {data.dtype} "
                f"(largest usable magnitude about {limit:.3g}). Rescale {name}."
            )
    if y is not None and y.size:
        spread = float(y.max()) - float(y.min())
        if 0.0 < spread < np.sqrt(np.finfo(np.float64).tiny) * 16:
            raise ValueError(
                f"y varies by only {spread:.3g}: its squared deviations "
                "underflow, so it cannot be told from a constant. Rescale y."
            )


def validate_classification_data(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    *,
    reset: bool = True,
    check_values: bool = True,
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate (X, y, sample_weight) for a classifier.

    X and the weights are normalised as in :func:`validate_regression_data`;
    y may hold labels of any type (numbers, strings). Returns
    ``(X, classes, y_encoded, sample_weight)`` with ``y_encoded`` the int64
    index of each label in the sorted ``classes``. At least two classes are
    required. ``check_values=False``: as in
    :func:`validate_regression_data` (the caller runs
    :func:`check_magnitudes` on X before any solver sees it).
    """
    from sklearn.utils.multiclass import check_classification_targets

    X = check_sparse_structure(X)
    _reject_dates(X, "X")
    X, y = _validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csc", "csr", "coo"],
        dtype=list(FLOAT_DTYPES),
        order="F",
        ensure_all_finite=False,  # checked with the magnitudes, in one pass
        reset=reset,
    )
    numeric = isinstance(y, np.ndarray) and y.dtype.kind in "biuf"
    if not numeric:  # (np.unique may fail on mixed objects: sklearn says why)
        check_classification_targets(y)
    classes, y_encoded = np.unique(y, return_inverse=True)
    if numeric and not _plainly_binary(y, classes):
        check_classification_targets(y)
    if sp.issparse(X):
        X = _canonical_csc(X)
    else:
        X = _native(X)
        if not X.flags.f_contiguous:
            X = np.asfortranarray(X)
    if classes.shape[0] < 2:
        raise ValueError(
            "This solver needs samples of at least 2 classes in the data, but "
            f"the data contains only one class: {classes[0]!r}."
        )
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    if check_values:
        check_magnitudes(X, None, sample_weight)
    return X, classes, y_encoded.astype(np.int64).ravel(), sample_weight


def _plainly_binary(y: Any, classes: np.ndarray) -> bool:
    """Whether scikit-learn's ``type_of_target`` would call ``y`` (validated
    already) "binary" without doubt: a 1-D NumPy array of booleans, integers
    or floats with exactly two distinct values, both integers (as floats,
    of magnitude below 2^53, where the int64 cast that scikit-learn compares
    with is exact).

    ``check_classification_targets`` accepts such a y, and it costs two
    more ``check_array`` passes over y, a visible share of a small fit;
    every other y still goes through it.
    """
    if not (isinstance(y, np.ndarray) and y.ndim == 1 and classes.shape[0] == 2):
        return False
    if y.dtype.kind in "biu":
        return True
    if y.dtype.kind != "f":
        return False
    values = classes.astype(np.float64)
    return bool(np.all((values == np.trunc(values)) & (np.abs(values) < 2.0**53)))


def apply_class_weight(
    class_weight: Any,
    classes: np.ndarray,
    y_encoded: np.ndarray,
    sample_weight: np.ndarray | None,
    dtype: np.dtype,
) -> np.ndarray | None:
    """``sample_weight`` times the weight of each sample's class.

    ``class_weight`` is None (no change), a dict ``{label: weight}`` (labels
    left out weigh 1) or ``"balanced"``: class k weighs ``S / (K S_k)``,
    with ``S_k`` the total sample weight of its samples (their count
    without weights) and ``S`` that of all, so that every class carries the
    same total weight. (scikit-learn's ``compute_class_weight`` counts
    samples without their weights in 1.6 and with them in 1.9, the two
    versions checked; the definition is fixed here.) The class weights
    must be finite and non-negative and leave some sample with a positive
    weight; the result is validated like any sample weight
    (``check_sample_weight``) in ``dtype``.
    """
    if class_weight is None:
        return sample_weight
    n_classes = classes.shape[0]
    if isinstance(class_weight, str) and class_weight == "balanced":
        per_class = np.bincount(y_encoded, weights=sample_weight, minlength=n_classes)
        with np.errstate(divide="ignore"):
            weights = np.where(
                per_class > 0, per_class.sum() / (n_classes * per_class), 0.0
            )
    elif isinstance(class_weight, dict):
        known = {label: k for k, label in enumerate(classes.tolist())}
        unknown = [label for label in class_weight if label not in known]
        if unknown:
            raise ValueError(
                f"class_weight has labels that are not classes of y: {unknown}; "
                f"the classes are {classes.tolist()}."
            )
        weights = np.ones(n_classes)
        for label, value in class_weight.items():
            if not isinstance(value, numbers.Real):
                raise TypeError(
                    f"class_weight values must be real numbers, got {value!r} "
                    f"for class {label!r}."
                )
            weights[known[label]] = float(value)
    else:
        raise ValueError(
            "class_weight must be None, 'balanced' or a dict {label: weight}, "
            f"got {class_weight!r}."
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(
            f"class_weight values must be finite and non-negative, got {weights}."
        )
    per_sample = weights[y_encoded]
    combined = (
        per_sample
        if sample_weight is None
        else per_sample * np.asarray(sample_weight, dtype=np.float64)
    )
    if not np.any(combined > 0):
        raise ValueError(
            "class_weight and sample_weight leave no sample with a positive weight."
        )
    return check_sample_weight(combined, len(y_encoded), dtype)


def validate_predict_data(estimator: Any, X: Any) -> Any:
    """Validate X for ``predict`` against the fitted number of features."""
    # Sparse products in predict run compiled code on X's index arrays.
    X = check_sparse_structure(X)
    _reject_dates(X, "X")
    return _validate_data(
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


def check_finite_result(what: str, *values: Any) -> None:
    """ValueError instead of a silently non-finite result.

    Finite input can still overflow inside a solver (squares or weighted
    sums of values near the dtype's limit); the result is then NaN or inf.
    """
    if not all(np.all(np.isfinite(v)) for v in values):
        raise ValueError(
            f"{what} is not finite: the computation overflowed because X, y "
            "or sample_weight hold values too large for floating-point "
            "arithmetic; rescale them."
        )


def cv_splits(
    cv: Any,
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    classifier: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) splits of ``cv`` (as scikit-learn's ``check_cv``
    reads it) on X, checked, as index arrays into X.

    Each part must be a non-empty 1-D array of integer indices in
    [0, n_samples) or a boolean mask of length n_samples, holding some
    positive sample weight; at least one split is needed. (Indexing with a
    bad split would otherwise fail with IndexError, and an empty cv, fold or
    fold weight would average nothing.) Errors name ``cv``.
    """
    n_samples = X.shape[0]
    try:
        splits = check_cv(cv, y, classifier=classifier).split(X, y)
        splits = list(splits)
    except (TypeError, ValueError) as exc:
        if "cv" in str(exc):
            raise
        kind = ValueError if isinstance(exc, ValueError) else TypeError
        raise kind(f"cv={cv!r} cannot split the data: {exc}") from exc
    out = []
    for k, split in enumerate(splits):
        try:
            train, test = split
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"cv must yield (train, test) pairs; split {k} is {split!r}."
            ) from exc
        parts = []
        for part_name, part in (("train", train), ("test", test)):
            idx = np.asarray(part)
            if idx.dtype.kind == "b" and idx.shape == (n_samples,):
                idx = np.flatnonzero(idx)
            if idx.size == 0:
                raise ValueError(f"cv split {k} has an empty {part_name} set.")
            if idx.ndim != 1 or idx.dtype.kind not in "iu":
                raise ValueError(
                    f"cv split {k}: the {part_name} indices must be a 1-D array "
                    f"of integers or a boolean mask of length {n_samples}, got "
                    f"dtype {idx.dtype} and shape {idx.shape}."
                )
            if idx.min() < 0 or idx.max() >= n_samples:
                raise ValueError(
                    f"cv split {k}: the {part_name} indices must lie in "
                    f"[0, {n_samples}), found values in [{idx.min()}, {idx.max()}]."
                )
            if sample_weight is not None and not np.any(sample_weight[idx] > 0):
                raise ValueError(
                    f"cv split {k}: every sample of its {part_name} set has "
                    "sample_weight 0; shuffle the folds or use fewer of them."
                )
            parts.append(idx)
        out.append((parts[0], parts[1]))
    if not out:
        raise ValueError("cv must yield at least one (train, test) split, got none.")
    return out


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


def check_precompute(value: Any) -> bool | str:
    """The Gram-mode switch: 'auto', True or False (a precomputed Gram
    matrix, which scikit-learn also takes, is not supported)."""
    if isinstance(value, str) and value == "auto":
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ValueError(f"precompute must be 'auto', True or False, got {value!r}.")


@dataclass(frozen=True)
class Design:
    """A validated design matrix in the flat form the kernels take.

    ``data`` is dense X raveled in Fortran order (a view, no copy) or the
    CSC ``data`` array; ``indices``/``indptr`` are the CSC structure (for
    dense X, a one-element placeholder and each column's extent: see
    :func:`as_design`).
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    is_sparse: bool
    n_samples: int
    n_features: int

    def kernel_args(self) -> tuple:
        """The leading arguments of the compiled kernels, in their order."""
        return (
            self.data,
            self.indices,
            self.indptr,
            self.is_sparse,
            self.n_samples,
            self.n_features,
        )


_DENSE_PLACEHOLDER = np.zeros(1, dtype=np.int32)


def as_design(X: Any, extents: np.ndarray | None = None) -> Design:
    """Pack X (output of ``validate_regression_data``) for the kernels.

    Dense X: ``indptr`` holds each column's extent, the number of leading
    rows that may be non-zero (``extents``; n for every column by default):
    the column kernels read no further.
    """
    n_samples, n_features = X.shape
    if sp.issparse(X):
        return Design(X.data, X.indices, X.indptr, True, n_samples, n_features)
    data = X.ravel(order="F")  # a view: X is Fortran-contiguous here
    index = np.int32 if n_samples < 2**31 else np.int64
    if extents is None:
        extents = np.full(n_features, n_samples, dtype=index)
    else:
        extents = np.ascontiguousarray(extents, dtype=index)
        if extents.shape != (n_features,) or np.any(
            (extents < 0) | (extents > n_samples)
        ):
            raise ValueError("Column extents must be n_features values in [0, n].")
    placeholder = _DENSE_PLACEHOLDER.astype(index, copy=False)
    return Design(data, placeholder, extents, False, n_samples, n_features)
