"""Fuzzing the validation boundary: any input ends in a result or a clear error.

Hypothesis generates arbitrary arrays (every dtype kind numpy has: int,
bool, object, complex, float16, strings, datetimes, byte-swapped floats;
NaN/inf; 0-d to 3-d; empty; mismatched shapes) and sparse matrices whose
structure was corrupted after construction (inconsistent indptr,
out-of-range and negative indices, unsorted or duplicate indices, data of
the wrong length, other index dtypes), and feeds them to ``fit`` and
``predict`` of every estimator and to the path functions. The contract:

* every call returns or raises ValueError/TypeError (NotFittedError is a
  ValueError) - never another exception type, a crash or a hang (each test
  runs under a faulthandler watchdog that aborts with a traceback);
* a fit that returns has finite coefficients and intercepts;
* a corrupted sparse matrix that is accepted is fitted as the matrix its
  stored entries describe (decoded independently here), never as garbage.

For long runs see tools/fuzz_validation.py (atheris) and the
``shrinkage-long`` hypothesis profile (docs/reliability.md).
"""

from __future__ import annotations

import faulthandler
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import examples
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from shrinkage import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    Ridge,
    RidgeCV,
    alpha_grid,
    alpha_max,
    enet_path,
    lasso_path,
    logistic_path,
    reference,
    ridge_path,
)

ALLOWED = (ValueError, TypeError)

# Small iteration limits: the fuzz is about the boundary, not convergence.
ESTIMATORS = {
    "Lasso": lambda: Lasso(alpha=0.1, max_iter=50),
    "ElasticNet": lambda: ElasticNet(alpha=0.1, l1_ratio=0.5, max_iter=50),
    "Ridge": lambda: Ridge(alpha=1.0),
    "Ridge_lsqr": lambda: Ridge(alpha=1.0, solver="lsqr", max_iter=50),
    "LogisticRegression": lambda: LogisticRegression(
        alpha=0.1, max_iter=5, max_epochs=50
    ),
    "LassoCV": lambda: LassoCV(n_alphas=3, cv=2, max_iter=50),
    "ElasticNetCV": lambda: ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=3, cv=2),
    "RidgeCV": lambda: RidgeCV(alphas=(0.1, 1.0)),
    "RidgeCV_kfold": lambda: RidgeCV(alphas=(0.1, 1.0), cv=2),
    "LogisticRegressionCV": lambda: LogisticRegressionCV(
        alphas=3, cv=2, max_iter=5, max_epochs=50
    ),
}
CLASSIFIERS = {"LogisticRegression", "LogisticRegressionCV"}

PATHS = {
    "lasso_path": lambda X, y, sw: lasso_path(
        X, y, n_alphas=3, max_iter=50, sample_weight=sw
    ),
    "enet_path": lambda X, y, sw: enet_path(
        X, y, l1_ratio=0.5, n_alphas=3, max_iter=50, sample_weight=sw
    ),
    "ridge_path": lambda X, y, sw: ridge_path(X, y, [1.0, 0.1], sample_weight=sw),
    "logistic_path": lambda X, y, sw: logistic_path(
        X, y, alphas=3, max_iter=5, max_epochs=50, sample_weight=sw
    ),
    "alpha_max": lambda X, y, sw: alpha_max(X, y, sample_weight=sw),
    "alpha_grid": lambda X, y, sw: alpha_grid(X, y, n_alphas=3, sample_weight=sw),
}


@pytest.fixture(autouse=True)
def watchdog():
    """Abort with every thread's traceback if one test hangs (C code too)."""
    faulthandler.dump_traceback_later(300, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


def call(fn, *args, **kwargs):
    """Run fn; return its result, or None after an allowed exception."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*args, **kwargs)
            except ALLOWED:
                return None


def assert_finite_fit(est) -> None:
    for attr in ("coef_", "intercept_"):
        value = np.asarray(getattr(est, attr))
        assert value.dtype.kind == "f", (attr, value.dtype)
        assert np.all(np.isfinite(value)), f"{attr} not finite: {value}"


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

_OBJECTS = st.one_of(
    st.integers(),
    st.sampled_from([10**400, -(10**309), 2**64]),  # beyond float64 / int64
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.complex_numbers(max_magnitude=1e3),
    st.lists(st.floats(-1, 1), max_size=2),
)

_DTYPES = st.one_of(
    st.sampled_from(
        [
            np.dtype(np.float64),
            np.dtype(np.float32),
            np.dtype(np.float16),
            np.dtype(">f8"),
            np.dtype(np.int64),
            np.dtype(np.int8),
            np.dtype(np.uint8),
            np.dtype(np.uint64),
            np.dtype(np.bool_),
            np.dtype(np.complex128),
            np.dtype("U3"),
            np.dtype("S2"),
            np.dtype("datetime64[s]"),
            np.dtype("timedelta64[ms]"),
        ]
    ),
    st.just(np.dtype(object)),
)


@st.composite
def any_array(draw, shape=None):
    dtype = draw(_DTYPES)
    if shape is None:
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    if dtype == np.dtype(object):
        return draw(hnp.arrays(dtype, shape, elements=_OBJECTS))
    return draw(hnp.arrays(dtype, shape))


def finite_floats(dtype=np.float64):
    return hnp.from_dtype(np.dtype(dtype), allow_nan=False, allow_infinity=False)


@st.composite
def float_matrix(draw, n=None, p=None):
    """Valid-looking 2-D float data, extreme values included (1e308,
    subnormals, -0.0), or tame values in [-10, 10] (then a fit runs)."""
    n = draw(st.integers(1, 6)) if n is None else n
    p = draw(st.integers(1, 6)) if p is None else p
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    elements = draw(
        st.sampled_from(
            [
                finite_floats(dtype),
                st.floats(-10, 10, width=32),
                st.sampled_from([0.0, 1.0, -1.0, 0.5]),
            ]
        )
    )
    return draw(hnp.arrays(dtype, (n, p), elements=elements))


_FORMATS = ["csr", "csc", "coo", "csr_array", "csc_array", "bsr", "lil"]


def _build(dense: np.ndarray, fmt: str):
    if fmt == "csr":
        return sp.csr_matrix(dense)
    if fmt == "csc":
        return sp.csc_matrix(dense)
    if fmt == "coo":
        return sp.coo_matrix(dense)
    if fmt == "csr_array":
        return sp.csr_array(dense)
    if fmt == "csc_array":
        return sp.csc_array(dense)
    if fmt == "bsr":
        return sp.bsr_matrix(dense, blocksize=(1, 1))
    return sp.lil_matrix(dense)


_CORRUPTIONS = [
    "indptr_value",
    "indptr_length",
    "indices_value",
    "indices_unsorted",
    "indices_duplicate",
    "data_short",
    "data_long",
    "index_dtype",
    "data_dtype",
    "indices_2d",
    "lil_row",
]


def _index_arrays(S):
    if S.format == "coo":
        return ["row", "col"]
    if S.format == "lil":
        return []
    return ["indices", "indptr"]


@st.composite
def corrupted_sparse(draw):
    """A sparse matrix, then up to three edits of its structure arrays."""
    n, p = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dense = draw(
        hnp.arrays(
            np.float64,
            (n, p),
            elements=st.one_of(st.just(0.0), st.floats(-10, 10, width=32)),
        )
    )
    S = _build(dense, draw(st.sampled_from(_FORMATS)))
    big = st.sampled_from([2**31, 2**31 - 1, 2**32, 2**40, -(2**31), -(2**40)])
    for op in draw(st.lists(st.sampled_from(_CORRUPTIONS), max_size=3)):
        names = _index_arrays(S)
        if op == "lil_row" and S.format == "lil":
            i = draw(st.integers(0, n - 1))
            S.rows[i] = draw(st.lists(st.integers(-3, p + 3), max_size=4))
            continue
        if not names:
            continue
        name = draw(st.sampled_from(names))
        arr = np.array(getattr(S, name))
        if op == "indptr_value" and S.format != "coo" and name == "indptr":
            k = draw(st.integers(0, arr.size - 1))
            arr = arr.astype(np.int64)
            arr[k] = draw(st.one_of(st.integers(-3, arr.max() + 3), big))
        elif op == "indptr_length":
            arr = arr[:-1] if draw(st.booleans()) else np.append(arr, arr[-1:])
        elif op == "indices_value" and arr.size:
            k = draw(st.integers(0, arr.size - 1))
            arr = arr.astype(np.int64)
            arr[k] = draw(st.one_of(st.integers(-3, max(n, p) + 3), big))
        elif op == "indices_unsorted" and arr.size:
            arr = arr[::-1].copy()
        elif op == "indices_duplicate" and arr.size > 1:
            arr[1:] = arr[:-1].copy()
        elif op == "data_short":
            S.data = np.asarray(S.data)[:-1]
            continue
        elif op == "data_long":
            S.data = np.append(np.asarray(S.data), np.ones(2))
            continue
        elif op == "data_dtype":
            dt = draw(
                st.sampled_from([np.complex128, object, np.int8, np.float16, "U2"])
            )
            with warnings.catch_warnings():  # complex -> real is the point
                warnings.simplefilter("ignore")
                try:
                    S.data = np.asarray(S.data).astype(dt)
                except (ValueError, TypeError):
                    # a second change of dtype: strings such as '1.' from an
                    # earlier "U2" do not parse as numbers; keep the first
                    pass
            continue
        elif op == "index_dtype":
            dt = draw(
                st.sampled_from(
                    [np.int64, np.uint32, np.uint64, np.int16, np.int8, np.float64]
                )
            )
            with np.errstate(all="ignore"):
                arr = arr.astype(dt)
        elif op == "indices_2d":
            arr = arr.reshape(-1, 1)
        setattr(S, name, arr)
    return S


def _decode(S) -> np.ndarray | None:
    """The dense matrix the stored entries of a (possibly edited) CSR, CSC
    or COO matrix describe, read independently of scipy and of the package:
    entries past ``indptr[-1]`` are ignored, duplicates are summed. None when
    the structure does not describe a matrix."""
    n, p = S.shape
    data = np.asarray(S.data)
    if data.ndim != 1 or data.dtype.kind in "cmM":
        return None
    try:
        data = data.astype(np.float64)
    except (TypeError, ValueError):
        return None
    out = np.zeros((n, p))
    if S.format == "coo":
        row, col = np.asarray(S.row), np.asarray(S.col)
        if not (row.ndim == col.ndim == 1 and row.size == col.size == data.size):
            return None
        rows, cols, vals = row, col, data
    elif S.format in ("csr", "csc"):
        indptr, indices = np.asarray(S.indptr), np.asarray(S.indices)
        n_major = n if S.format == "csr" else p
        if indptr.ndim != 1 or indices.ndim != 1 or indptr.size != n_major + 1:
            return None
        if indptr.dtype.kind not in "iu" or indices.dtype.kind not in "iu":
            return None
        if indptr[0] != 0 or np.any(np.diff(indptr.astype(np.int64)) < 0):
            return None
        nnz = int(indptr[-1])
        if nnz > indices.size or nnz > data.size:
            return None
        major = np.repeat(np.arange(n_major), np.diff(indptr.astype(np.int64)))
        minor = indices[:nnz]
        rows, cols = (major, minor) if S.format == "csr" else (minor, major)
        vals = data[:nnz]
    else:
        return None
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    if rows.size and (
        rows.min() < 0 or rows.max() >= n or cols.min() < 0 or cols.max() >= p
    ):
        return None
    np.add.at(out, (rows, cols), vals.astype(np.float64))
    return out


def targets(name: str, n: int):
    """A valid target of length n for estimator/path ``name``."""
    if name in CLASSIFIERS or name == "logistic_path":
        return st.lists(st.sampled_from([0, 1, 2]), min_size=n, max_size=n).map(
            np.array
        )
    return hnp.arrays(np.float64, n, elements=st.floats(-10, 10, width=32))


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@examples(40)
@given(
    name=st.sampled_from(sorted(ESTIMATORS)),
    X=st.one_of(any_array(), float_matrix(), corrupted_sparse()),
    y=any_array(),
    sw=st.one_of(st.none(), any_array(), st.floats(), st.integers()),
)
def test_fit_arbitrary_input(name, X, y, sw):
    """Anything at all for X, y and sample_weight."""
    est = call(ESTIMATORS[name]().fit, X, y, sample_weight=sw)
    if est is not None:
        assert_finite_fit(est)


@examples(50)
@given(data=st.data(), name=st.sampled_from(sorted(ESTIMATORS)))
def test_fit_valid_shapes_odd_values(data, name):
    """Shapes that agree, values anywhere in the float range, valid weights
    or weights of any dtype: deeper into the solvers than the test above."""
    X = data.draw(st.one_of(float_matrix(), any_array(shape=(4, 3))))
    n = X.shape[0]
    y = data.draw(st.one_of(targets(name, n), any_array(shape=(n,))))
    sw = data.draw(
        st.one_of(
            st.none(),
            hnp.arrays(np.float64, n, elements=st.floats(0, 1e6)),
            any_array(shape=(n,)),
        )
    )
    est = call(ESTIMATORS[name]().fit, X, y, sample_weight=sw)
    if est is not None:
        assert_finite_fit(est)


@examples(50)
@given(data=st.data(), S=corrupted_sparse())
def test_corrupted_sparse_fit_and_predict(data, S):
    name = data.draw(st.sampled_from(sorted(ESTIMATORS)))
    n, p = S.shape
    y = data.draw(targets(name, n))
    est = call(ESTIMATORS[name]().fit, S, y)
    if est is not None:
        assert_finite_fit(est)
    # predict with a fitted model (fitted on clean data of the same width)
    clean = call(ESTIMATORS[name]().fit, np.eye(max(n, 4), p) + 1.0, y_for(name, n, p))
    if clean is not None:
        pred = call(clean.predict, S)
        if pred is not None:
            assert np.all(np.isfinite(pred))


def y_for(name: str, n: int, p: int) -> np.ndarray:
    m = max(n, 4)
    if name in CLASSIFIERS:
        return np.arange(m) % 2
    return np.linspace(-1.0, 1.0, m)


@examples(40)
@given(S=corrupted_sparse(), data=st.data())
def test_accepted_sparse_means_what_it_stores(S, data):
    """If a (possibly edited) sparse matrix is accepted, the fit is the fit
    of the dense matrix its entries describe."""
    dense = _decode(S)
    n = S.shape[0]
    y = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-10, 10, width=32)))
    model = Lasso(alpha=0.05, tol=1e-12, max_iter=10_000)
    est = call(model.fit, S, y)
    if est is None:
        return
    assert dense is not None or S.format in ("bsr", "lil"), "garbage was accepted"
    if dense is None:
        dense = call(S.toarray)  # bsr/lil: scipy's reading, checked by validation
        if dense is None:
            return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Lasso(alpha=0.05, tol=1e-12, max_iter=10_000).fit(dense, y)

    def objective(m):
        return reference.enet_objective(dense, y, m.coef_, m.intercept_, alpha=0.05)

    # both gaps are certificates: the objectives differ by at most the larger
    slack = max(est.dual_gap_, ref.dual_gap_) + 1e-12 * (1 + objective(ref))
    assert abs(objective(est) - objective(ref)) <= slack
    pred = call(est.predict, S)
    if pred is not None:
        scale = 1.0 + np.abs(y).max()
        np.testing.assert_allclose(pred, est.predict(dense), atol=1e-9 * scale)


@examples(40)
@given(
    name=st.sampled_from(sorted(PATHS)),
    X=st.one_of(any_array(), float_matrix(), corrupted_sparse()),
    data=st.data(),
)
def test_paths_arbitrary_input(name, X, data):
    n = X.shape[0] if np.ndim(X) >= 1 else 1
    y = data.draw(st.one_of(targets(name, n), any_array()))
    sw = data.draw(st.one_of(st.none(), any_array()))
    out = call(PATHS[name], X, y, sw)
    if out is not None:
        for part in out if isinstance(out, tuple) else (out,):
            assert np.all(np.isfinite(np.asarray(part, dtype=np.float64)))


@examples(40)
@given(
    name=st.sampled_from(sorted(ESTIMATORS)),
    X=st.one_of(any_array(), float_matrix(p=3), corrupted_sparse()),
)
def test_predict_arbitrary_input(name, X):
    est = ESTIMATORS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rng = np.random.default_rng(0)
        est.fit(rng.standard_normal((12, 3)), y_for(name, 12, 3))
    pred = call(est.predict, X)
    if pred is not None:
        assert pred.shape[0] == X.shape[0]
    if name in CLASSIFIERS:
        proba = call(est.predict_proba, X)
        if proba is not None:
            assert np.all(np.isfinite(proba))


_PARAM_VALUES = st.one_of(
    st.integers(-3, 3),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=4),
    st.lists(st.floats(0, 1), max_size=2),
    st.sampled_from([np.float32(0.5), np.int64(3), np.nan, "auto", object()]),
)

_PARAMS = {
    "Lasso": ["alpha", "tol", "max_iter", "fit_intercept", "positive", "precompute"],
    "ElasticNet": ["alpha", "l1_ratio", "tol", "max_iter", "warm_start"],
    "Ridge": ["alpha", "solver", "max_iter", "tol", "fit_intercept"],
    "LogisticRegression": ["alpha", "l1_ratio", "tol", "max_iter", "max_epochs"],
    "LassoCV": ["eps", "n_alphas", "alphas", "cv", "n_jobs", "tol"],
    "ElasticNetCV": ["l1_ratio", "eps", "n_alphas", "cv"],
    "RidgeCV": ["alphas", "cv", "gcv_mode", "scoring", "alpha_per_target"],
    "LogisticRegressionCV": ["alphas", "l1_ratio", "eps", "cv", "scoring", "n_jobs"],
}


@examples(40)
@given(data=st.data(), name=st.sampled_from(sorted(_PARAMS)))
def test_arbitrary_hyper_parameters(data, name):
    """Any value for any parameter: a fit or ValueError/TypeError."""
    params = data.draw(
        st.dictionaries(st.sampled_from(_PARAMS[name]), _PARAM_VALUES, max_size=3)
    )
    est = ESTIMATORS[name]()
    est.set_params(**params)
    # huge counts are valid: cap them so that a valid draw cannot run long
    for key in ("max_iter", "max_epochs", "n_alphas", "alphas"):
        value = params.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 50:
            est.set_params(**{key: 50})
    rng = np.random.default_rng(1)
    X = rng.standard_normal((12, 3))
    fitted = call(est.fit, X, y_for(name, 12, 3))
    if fitted is not None:
        assert_finite_fit(fitted)
