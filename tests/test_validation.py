"""The bad-input contract of Lasso, ElasticNet, Ridge and soft_threshold.

Three parts:

* bad input raises a clear ValueError/TypeError (or sklearn's NotFittedError),
  never a crash, including sparse matrices whose index arrays were corrupted
  after construction (the compiled kernels run without bounds checks);
* awkward but valid input (read-only, big-endian, F-order, strided, integer,
  lists, every sparse format and index type, duplicates, float32...) gives
  the same fit as the clean float64 C-ordered equivalent;
* fit and predict never modify their inputs.

Expected answers come from the clean input or from mathematics (the
objective written out below), never from stored outputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning, NotFittedError

from shrinkage import ElasticNet, Lasso, Ridge, soft_threshold

# --------------------------------------------------------------------------
# Estimators and data
# --------------------------------------------------------------------------

# Tight tolerances so that "same input, other representation" comparisons
# test the input handling, not the stopping rule.
_DEFAULTS = {
    "Lasso": (Lasso, {"alpha": 0.05, "tol": 1e-12, "max_iter": 100_000}),
    "ElasticNet": (
        ElasticNet,
        {"alpha": 0.05, "l1_ratio": 0.6, "tol": 1e-12, "max_iter": 100_000},
    ),
    "Ridge": (Ridge, {"alpha": 0.7, "tol": 1e-12}),
}
ALL = list(_DEFAULTS)
CD = ["Lasso", "ElasticNet"]


def make(name: str, **params):
    """A fresh estimator ``name`` with the test defaults, overridden by params."""
    cls, defaults = _DEFAULTS[name]
    return cls(**{**defaults, **params})


def data(n: int = 30, p: int = 8, seed: int = 0):
    """Small correlated design with non-zero column means and a sparse truth."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-1, 1, size=p)
    X[:, 1] += 0.5 * X[:, 0]
    w = np.zeros(p)
    w[:3] = [1.5, -2.0, 0.8]
    y = X @ w + 0.3 * rng.standard_normal(n) + 1.0
    return X, y


def sparse_data(n: int = 30, p: int = 8, seed: int = 0):
    """Dense X with about 60% zeros (so every sparse format is non-trivial), y."""
    X, y = data(n, p, seed)
    rng = np.random.default_rng(seed + 1)
    X = np.where(rng.uniform(size=X.shape) < 0.6, 0.0, X)
    X[0, :] = X[0, :] + 1.0  # no empty column
    return X, y


def objective(name: str, est, X, y, sample_weight=None) -> float:
    """The documented objective at the fitted (coef_, intercept_), in float64.

    ElasticNet/Lasso: 1/(2S) sum sw r^2 + alpha l1_ratio |w|_1
    + alpha (1 - l1_ratio)/2 |w|^2. Ridge: sum sw r^2 + alpha |w|^2.
    """
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    w = np.asarray(est.coef_, dtype=np.float64).ravel()
    r = np.asarray(y, dtype=np.float64).ravel() - X @ w - float(est.intercept_)
    sw = np.ones_like(r) if sample_weight is None else np.asarray(sample_weight)
    if name == "Ridge":
        return float(np.sum(sw * r**2) + est.alpha * (w @ w))
    l1_ratio = 1.0 if name == "Lasso" else est.l1_ratio
    return float(
        0.5 * np.sum(sw * r**2) / np.sum(sw)
        + est.alpha * l1_ratio * np.abs(w).sum()
        + 0.5 * est.alpha * (1 - l1_ratio) * (w @ w)
    )


def assert_same_fit(a, b, *, exact: bool = False) -> None:
    """Same coef_ and intercept_: bit-identical, or to rtol=1e-10."""
    if exact:
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.intercept_, b.intercept_)
    else:
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-10)


def weights(n: int = 30, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.2, 3.0, size=n)


def corrupt(X, attr: str, fn):
    """A copy of sparse X whose index array ``attr`` is replaced by fn(copy).

    The structure is broken after construction, the way user code (or a
    bad deserialiser) can: scipy does not re-check it.
    """
    X = X.copy()
    arr = getattr(X, attr).copy()
    fn(arr)
    setattr(X, attr, arr)
    return X


# --------------------------------------------------------------------------
# Bad data: X, y, sample_weight
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("sparse", [False, True])
def test_nonfinite_X(name, bad, sparse):
    X, y = data()
    X[3, 2] = bad
    if sparse:
        X = sp.csc_matrix(X)
    what = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=f"Input X contains {what}"):
        make(name).fit(X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_y(name, bad):
    X, y = data()
    y[5] = bad
    what = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=f"Input y contains {what}"):
        make(name).fit(X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_sample_weight(name, bad):
    X, y = data()
    sw = weights()
    sw[7] = bad
    with pytest.raises(ValueError, match="sample_weight contains NaN or infinity"):
        make(name).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("name", ALL)
def test_y_overflowing_float32_X(name):
    """y finite in float64 but not in X's float32 must not reach the kernel."""
    X, y = data()
    y[0] = 1e300
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        make(name).fit(X.astype(np.float32), y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("sparse", [False, True])
def test_complex_X(name, sparse):
    X, y = data()
    Xc = X + 1j * X
    if sparse:
        Xc = sp.csc_matrix(Xc)
    with pytest.raises(ValueError, match="Complex data not supported"):
        make(name).fit(Xc, y)


@pytest.mark.parametrize("name", ALL)
def test_complex_y(name):
    X, y = data()
    with pytest.raises(ValueError, match="Complex data not supported"):
        make(name).fit(X, y + 1j)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", [str, object])
def test_string_X(name, dtype):
    X, y = data()
    Xs = np.array([["a", "b"]] * X.shape[0], dtype=dtype)
    with pytest.raises(ValueError, match="could not convert string to float"):
        make(name).fit(Xs, y)


@pytest.mark.parametrize("name", ALL)
def test_object_X_holding_non_numbers(name):
    X, y = data()
    Xo = X.astype(object)
    Xo[0, 0] = {"not": "a number"}
    with pytest.raises(TypeError, match="float"):
        make(name).fit(Xo, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", [str, object])
def test_string_y(name, dtype):
    X, y = data()
    ys = np.array(["yes", "no"] * (X.shape[0] // 2), dtype=dtype)
    with pytest.raises(ValueError, match="could not convert string to float"):
        make(name).fit(X, ys)


@pytest.mark.parametrize("name", ALL)
def test_X_not_2d(name):
    X, y = data()
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        make(name).fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Found array with dim 3"):
        make(name).fit(X[:, :, None], y)
    # scipy's sparse arrays can be 1-D or (COO) n-D too (scipy >= 1.13/1.15;
    # with an older scipy such input cannot be built, so there is no case).
    not_2d = []
    for dense in (X[:, 0], X[:, :, None]):
        try:
            not_2d.append(sp.coo_array(dense))
        except (ValueError, TypeError):
            continue
    est = make(name).fit(X, y)
    for bad in not_2d:
        with pytest.raises(ValueError, match="Expected a 2D sparse matrix"):
            make(name).fit(bad, y)
        with pytest.raises(ValueError, match="Expected a 2D sparse matrix"):
            est.predict(bad)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("sparse", [False, True])
def test_no_samples_or_no_features(name, sparse):
    X, y = data()
    conv = sp.csc_matrix if sparse else np.asarray
    with pytest.raises(ValueError, match=r"0 sample\(s\)"):
        make(name).fit(conv(X[:0]), y[:0])
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        make(name).fit(conv(X[:, :0]), y)


@pytest.mark.parametrize("name", ALL)
def test_X_y_length_mismatch(name):
    X, y = data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        make(name).fit(X, y[:-1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        make(name).fit(sp.csr_matrix(X[:-2]), y)


@pytest.mark.parametrize("name", CD)
def test_two_column_y_rejected_by_single_target_models(name):
    X, y = data()
    with pytest.raises(ValueError, match="y should be a 1d array"):
        make(name).fit(X, np.column_stack([y, y]))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("sparse", [False, True])
def test_predict_wrong_number_of_features(name, sparse):
    X, y = data()
    est = make(name).fit(X, y)
    Xp = sp.csr_matrix(X[:, :-1]) if sparse else X[:, :-1]
    with pytest.raises(ValueError, match="X has 7 features, but .* expecting 8"):
        est.predict(Xp)


@pytest.mark.parametrize("name", ALL)
def test_predict_bad_values(name):
    X, y = data()
    est = make(name).fit(X, y)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        est.predict(Xn)
    with pytest.raises(ValueError, match="Complex data not supported"):
        est.predict(X + 1j)
    with pytest.raises(ValueError, match="Expected 2D array"):
        est.predict(X[0])


@pytest.mark.parametrize("name", ALL)
def test_predict_before_fit(name):
    X, _ = data()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make(name).predict(X)


# --------------------------------------------------------------------------
# Bad data: sample_weight
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_negative_sample_weight(name):
    X, y = data()
    sw = weights()
    sw[4] = -0.5
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        make(name).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("length", [29, 31])
def test_wrong_length_sample_weight(name, length):
    X, y = data()
    with pytest.raises(ValueError, match=f"sample_weight has {length} entries"):
        make(name).fit(X, y, sample_weight=np.ones(length))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(30, 1), (1, 30), ()])
def test_sample_weight_not_1d(name, shape):
    X, y = data()
    with pytest.raises(ValueError, match="sample_weight must be 1-dimensional"):
        make(name).fit(X, y, sample_weight=np.ones(shape))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("zero", [np.zeros(30), 0.0])
def test_all_zero_sample_weight(name, zero):
    X, y = data()
    with pytest.raises(ValueError, match="sample_weight must not be all zero"):
        make(name).fit(X, y, sample_weight=zero)


@pytest.mark.parametrize("name", ALL)
def test_non_numeric_sample_weight(name):
    X, y = data()
    with pytest.raises(TypeError, match="sample_weight must be a numeric array"):
        make(name).fit(X, y, sample_weight=["a"] * 30)
    with pytest.raises(TypeError, match="sample_weight must be a numeric array"):
        make(name).fit(X, y, sample_weight=np.ones(30) + 1j)


@pytest.mark.parametrize("name", ALL)
def test_sample_weight_out_of_float32_range(name):
    """Weights valid in float64 that overflow or vanish in X's float32."""
    X, y = data()
    X32 = X.astype(np.float32)
    with pytest.raises(ValueError, match="infinity after conversion to float32"):
        make(name).fit(X32, y, sample_weight=np.full(30, 1e300))
    with pytest.raises(ValueError, match="all zero after conversion to float32"):
        make(name).fit(X32, y, sample_weight=np.full(30, 1e-300))


@pytest.mark.parametrize("name", ALL)
def test_sample_weight_sum_overflow(name):
    X, y = data()
    with pytest.raises(ValueError, match="sample_weight overflows"):
        make(name).fit(X, y, sample_weight=np.full(30, 1e307))


# --------------------------------------------------------------------------
# Bad hyper-parameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_negative_alpha(name):
    X, y = data()
    with pytest.raises(ValueError, match="alpha == -0.1, must be >= 0"):
        make(name, alpha=-0.1).fit(X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("alpha", [np.nan, np.inf])
def test_nonfinite_alpha(name, alpha):
    X, y = data()
    with pytest.raises(ValueError, match="alpha must be finite"):
        make(name, alpha=alpha).fit(X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("alpha", ["0.1", None, 1j, {"alpha": 1}])
def test_non_numeric_alpha(name, alpha):
    X, y = data()
    with pytest.raises(TypeError, match="alpha must be an instance of float"):
        make(name, alpha=alpha).fit(X, y)


@pytest.mark.parametrize("name", CD)
def test_non_scalar_alpha_for_cd(name):
    X, y = data()
    with pytest.raises(TypeError, match="alpha must be an instance of float"):
        make(name, alpha=[0.1]).fit(X, y)


def test_bad_ridge_alpha_arrays():
    X, y = data()
    Y = np.column_stack([y, -y])
    with pytest.raises(ValueError, match="alpha == -1.0, must be >= 0"):
        make("Ridge", alpha=[1.0, -1.0]).fit(X, Y)
    with pytest.raises(ValueError, match="alpha must be finite"):
        make("Ridge", alpha=[1.0, np.nan]).fit(X, Y)
    with pytest.raises(ValueError, match="alpha has 3 entries but y has 2 targets"):
        make("Ridge", alpha=[1.0, 2.0, 3.0]).fit(X, Y)
    with pytest.raises(ValueError, match="alpha must be a non-negative float"):
        make("Ridge", alpha=["a", "b"]).fit(X, Y)


@pytest.mark.parametrize(
    "l1_ratio, match",
    [
        (-0.1, "l1_ratio == -0.1, must be >= 0"),
        (1.5, "l1_ratio == 1.5, must be <= 1"),
        (np.nan, r"l1_ratio must be in \[0, 1\]"),
    ],
)
def test_l1_ratio_out_of_range(l1_ratio, match):
    X, y = data()
    with pytest.raises(ValueError, match=match):
        make("ElasticNet", l1_ratio=l1_ratio).fit(X, y)


def test_non_numeric_l1_ratio():
    X, y = data()
    with pytest.raises(TypeError, match="l1_ratio must be an instance of float"):
        make("ElasticNet", l1_ratio="0.5").fit(X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "max_iter, error, match",
    [
        (0, ValueError, "max_iter == 0, must be >= 1"),
        (-5, ValueError, "max_iter == -5, must be >= 1"),
        (100.0, TypeError, "max_iter must be an instance of int"),
        (True, TypeError, "max_iter must be an int, got bool"),
        ("100", TypeError, "max_iter must be an instance of int"),
    ],
)
def test_bad_max_iter(name, max_iter, error, match):
    X, y = data()
    with pytest.raises(error, match=match):
        make(name, max_iter=max_iter).fit(X, y)


@pytest.mark.parametrize("name", ALL)
def test_bad_tol(name):
    X, y = data()
    with pytest.raises(ValueError, match="tol == -0.001, must be >= 0"):
        make(name, tol=-1e-3).fit(X, y)
    with pytest.raises(ValueError, match="tol must be finite"):
        make(name, tol=np.nan).fit(X, y)
    with pytest.raises(TypeError, match="tol must be an instance of float"):
        make(name, tol="1e-4").fit(X, y)


@pytest.mark.parametrize(
    "name, param",
    [(name, "fit_intercept") for name in ALL]
    + [(name, p) for name in CD for p in ("positive", "warm_start")],
)
def test_non_bool_flag(name, param):
    X, y = data()
    with pytest.raises(TypeError, match=f"{param} must be a bool"):
        make(name, **{param: "yes"}).fit(X, y)


@pytest.mark.parametrize("solver", ["svd", "", None, "CHOLESKY"])
def test_bad_ridge_solver(solver):
    X, y = data()
    with pytest.raises(ValueError, match="solver must be one of"):
        make("Ridge", solver=solver).fit(X, y)


def test_soft_threshold_bad_arguments():
    x = np.linspace(-2, 2, 9)
    with pytest.raises(ValueError, match="threshold == -0.5, must be >= 0"):
        soft_threshold(x, -0.5)
    with pytest.raises(ValueError, match="threshold must be finite"):
        soft_threshold(x, np.nan)
    with pytest.raises(TypeError, match="threshold must be an instance of float"):
        soft_threshold(x, "1")
    with pytest.raises(TypeError, match="soft_threshold needs real numbers"):
        soft_threshold(["a", "b"], 1.0)
    with pytest.raises(TypeError, match="soft_threshold needs real numbers"):
        soft_threshold(x + 1j, 1.0)


def test_soft_threshold_awkward_input_matches_formula():
    """Lists, read-only, big-endian, strided, int and float32 input."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 7)) * 3
    expected = np.sign(x) * np.maximum(np.abs(x) - 1.25, 0.0)
    ro = x.copy()
    ro.setflags(write=False)
    big = x.astype(">f8")
    np.testing.assert_array_equal(soft_threshold(x, 1.25), expected)
    np.testing.assert_array_equal(soft_threshold(x.tolist(), 1.25), expected)
    np.testing.assert_array_equal(soft_threshold(ro, 1.25), expected)
    np.testing.assert_array_equal(soft_threshold(big, 1.25), expected)
    np.testing.assert_array_equal(soft_threshold(x.T, 1.25), expected.T)
    np.testing.assert_array_equal(soft_threshold(x[::2, ::3], 1.25), expected[::2, ::3])
    xi = np.arange(-4, 5)
    np.testing.assert_array_equal(
        soft_threshold(xi, 2), np.sign(xi) * np.maximum(np.abs(xi) - 2, 0)
    )
    out32 = soft_threshold(x.astype(np.float32), 1.25)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, expected, rtol=1e-6, atol=1e-6)
    assert soft_threshold(-3.0, 1.0) == -2.0
    # Never in place.
    before = x.copy()
    soft_threshold(x, 1.25)
    np.testing.assert_array_equal(x, before)


# --------------------------------------------------------------------------
# Corrupted sparse structure: ValueError, never a crash
# --------------------------------------------------------------------------


def _csc_row_out_of_range(S):
    return corrupt(S, "indices", lambda a: a.__setitem__(3, S.shape[0] + 7))


def _csc_negative_row(S):
    return corrupt(S, "indices", lambda a: a.__setitem__(0, -1))


def _indptr_not_monotone(S):
    def swap(a):
        a[2], a[4] = a[4], a[2]

    return corrupt(S, "indptr", swap)


def _indptr_past_end(S):
    return corrupt(S, "indptr", lambda a: a.__setitem__(-1, a[-1] + 1000))


def _indptr_wrong_start(S):
    return corrupt(S, "indptr", lambda a: a.__setitem__(0, 1))


def _indices_float(S):
    S = S.copy()
    S.indices = S.indices.astype(np.float64)
    return S


CSX_CORRUPTIONS = {
    "index_out_of_range": (_csc_row_out_of_range, "indices must lie in"),
    "negative_index": (_csc_negative_row, "indices must lie in"),
    "indptr_not_monotone": (_indptr_not_monotone, "indptr must be non-decreasing"),
    "indptr_past_end": (_indptr_past_end, r"indptr\[-1\] = .* exceeds"),
    "indptr_wrong_start": (_indptr_wrong_start, r"indptr\[0\] is 1"),
    "float_indices": (_indices_float, "indices must be a 1-D integer array"),
}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "container", [sp.csc_matrix, sp.csr_matrix, sp.csc_array, sp.csr_array]
)
@pytest.mark.parametrize("corruption", list(CSX_CORRUPTIONS))
def test_corrupted_compressed_sparse_raises(name, container, corruption):
    X, y = sparse_data()
    make_bad, match = CSX_CORRUPTIONS[corruption]
    bad = make_bad(container(X))
    with pytest.raises(ValueError, match="X is not a valid sparse matrix: " + match):
        make(name).fit(bad, y)
    est = make(name).fit(container(X), y)
    with pytest.raises(ValueError, match="X is not a valid sparse matrix: " + match):
        est.predict(bad)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("attr", ["row", "col"])
@pytest.mark.parametrize("value", [10**6, -1])
def test_corrupted_coo_raises(name, attr, value):
    X, y = sparse_data()
    bad = sp.coo_matrix(X)
    idx = getattr(bad, attr).copy()
    idx[2] = value
    setattr(bad, attr, idx)
    with pytest.raises(ValueError, match=f"not a valid sparse matrix: {attr} must"):
        make(name).fit(bad, y)
    est = make(name).fit(X, y)
    with pytest.raises(ValueError, match=f"not a valid sparse matrix: {attr} must"):
        est.predict(bad)


@pytest.mark.parametrize("name", ALL)
def test_corrupted_bsr_and_lil_raise(name):
    X, y = sparse_data()
    bsr = sp.bsr_matrix(X, blocksize=(2, 2))
    bsr = corrupt(bsr, "indices", lambda a: a.__setitem__(0, 10**6))
    with pytest.raises(ValueError, match="not a valid sparse matrix: indices must"):
        make(name).fit(bsr, y)
    lil = sp.lil_matrix(X)
    lil.rows[0] = [*lil.rows[0][:-1], 10**6]
    with pytest.raises(ValueError, match="not a valid sparse matrix: column indices"):
        make(name).fit(lil, y)
    lil = sp.lil_matrix(X)
    lil.rows[1] = list(range(X.shape[1])) * 50
    with pytest.raises(ValueError, match="rows.* and data.* differ in length"):
        make(name).fit(lil, y)


# --------------------------------------------------------------------------
# Awkward but valid input: same answer as the clean input
# --------------------------------------------------------------------------


def _readonly(a):
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("weighted", [False, True])
def test_dense_representations_give_identical_fits(name, weighted):
    """Same values, other memory layout or dtype: bit-identical fits."""
    X, y = data()
    sw = weights() if weighted else None
    ref = make(name).fit(X, y, sample_weight=sw)
    X_big = np.zeros((2 * X.shape[0], 3 * X.shape[1]))
    X_big[::2, ::3] = X
    variants = {
        "readonly": (_readonly(X), _readonly(y)),
        "big_endian": (X.astype(">f8"), y.astype(">f8")),
        "fortran": (np.asfortranarray(X), y),
        "strided": (X_big[::2, ::3], np.repeat(y, 2)[::2]),
        "lists": (X.tolist(), y.tolist()),
    }
    for label, (Xv, yv) in variants.items():
        fit = make(name).fit(Xv, yv, sample_weight=sw)
        try:
            assert_same_fit(fit, ref, exact=True)
        except AssertionError as exc:
            raise AssertionError(f"variant {label}") from exc
    if weighted:
        for swv in (_readonly(sw), sw.astype(">f8"), sw.tolist()):
            assert_same_fit(make(name).fit(X, y, sample_weight=swv), ref, exact=True)


@pytest.mark.parametrize("name", ALL)
def test_integer_X_y_and_weights(name):
    """Integer data equals its float64 values (uint8 included: all >= 0)."""
    rng = np.random.default_rng(1)
    Xi = rng.integers(0, 11, size=(30, 6))
    yi = Xi[:, 0] - 2 * Xi[:, 1] + rng.integers(-2, 3, size=30)
    ref = make(name).fit(Xi.astype(np.float64), yi.astype(np.float64))
    for dtype in (np.int64, np.int32, np.int8, np.uint8):
        assert_same_fit(make(name).fit(Xi.astype(dtype), yi), ref, exact=True)
    sw = rng.integers(1, 4, size=30)
    assert_same_fit(
        make(name).fit(Xi, yi, sample_weight=sw),
        make(name).fit(Xi, yi, sample_weight=sw.astype(np.float64)),
        exact=True,
    )


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_formats_agree_with_dense(name, weighted):
    """CSR == CSC exactly; sparse vs dense agree in objective to 1e-10."""
    X, y = sparse_data()
    sw = weights() if weighted else None
    dense = make(name).fit(X, y, sample_weight=sw)
    csc = make(name).fit(sp.csc_matrix(X), y, sample_weight=sw)
    f_dense = objective(name, dense, X, y, sw)
    for container in (sp.csr_matrix, sp.coo_matrix, sp.csc_array, sp.csr_array):
        fit = make(name).fit(container(X), y, sample_weight=sw)
        assert_same_fit(fit, csc)
        np.testing.assert_allclose(objective(name, fit, X, y, sw), f_dense, rtol=1e-10)
    np.testing.assert_allclose(objective(name, csc, X, y, sw), f_dense, rtol=1e-10)
    if name != "Ridge":  # same algorithm on the same numbers: same optimum
        np.testing.assert_allclose(csc.coef_, dense.coef_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ALL)
def test_other_sparse_formats(name):
    X, y = sparse_data()
    ref = make(name).fit(sp.csc_matrix(X), y)
    for conv in (sp.lil_matrix, sp.dok_matrix, sp.bsr_matrix, sp.dia_matrix):
        assert_same_fit(make(name).fit(conv(X), y), ref)


def _with_duplicates_unsorted(S, duplicates=True):
    """Same matrix as S with each compressed row/column in reverse order
    and (``duplicates``) every stored value split in two halves (exact in
    binary floating point)."""
    S = S.tocsr() if S.format == "csr" else S.tocsc()
    S.sort_indices()
    data, indices, indptr = [], [], [0]
    for k in range(len(S.indptr) - 1):
        lo, hi = S.indptr[k], S.indptr[k + 1]
        d, i = S.data[lo:hi][::-1], S.indices[lo:hi][::-1]
        if duplicates:
            data += [*(d / 2), *(d / 2)]
            indices += [*i, *i]
        else:
            data += [*d]
            indices += [*i]
        indptr.append(len(data))
    out = type(S)((np.array(data), np.array(indices), np.array(indptr)), shape=S.shape)
    assert not out.has_canonical_format
    return out


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
@pytest.mark.parametrize("duplicates", [False, True])
def test_duplicates_are_summed_and_order_ignored(name, container, duplicates):
    X, y = sparse_data()
    canonical = container(X)
    messy = _with_duplicates_unsorted(canonical, duplicates)
    assert not messy.has_sorted_indices
    np.testing.assert_array_equal(messy.toarray(), X)  # scipy sums duplicates too
    assert_same_fit(make(name).fit(messy, y), make(name).fit(canonical, y), exact=True)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("container", [sp.csc_matrix, sp.csr_matrix])
@pytest.mark.parametrize("index_dtype", [np.int64, np.uint32, np.int16])
def test_sparse_index_dtypes(name, container, index_dtype):
    X, y = sparse_data()
    ref = container(X)
    S = container(X)
    S.indices = S.indices.astype(index_dtype)
    S.indptr = S.indptr.astype(index_dtype)
    assert S.indices.dtype == index_dtype
    assert_same_fit(make(name).fit(S, y), make(name).fit(ref, y), exact=True)
    est = make(name).fit(ref, y)
    np.testing.assert_array_equal(est.predict(S), est.predict(ref))


@pytest.mark.parametrize("name", CD)
def test_column_y_warns_and_matches_1d(name):
    X, y = data()
    ref = make(name).fit(X, y)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        fit = make(name).fit(X, y[:, None])
    assert fit.coef_.shape == ref.coef_.shape
    assert_same_fit(fit, ref, exact=True)


def test_ridge_column_y_is_one_target():
    X, y = data()
    ref = make("Ridge").fit(X, y)
    fit = make("Ridge").fit(X, y[:, None])
    assert fit.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(fit.coef_[0], ref.coef_, rtol=1e-10)
    np.testing.assert_allclose(fit.intercept_, [ref.intercept_], rtol=1e-10)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("sparse", [False, True])
def test_float32_X(name, sparse):
    X, y = sparse_data() if sparse else data()
    X32 = X.astype(np.float32)
    X64 = X32.astype(np.float64)  # the same numbers
    if sparse:
        X32, X64 = sp.csc_matrix(X32), sp.csc_matrix(X64)
    fit32 = make(name, tol=1e-6).fit(X32, y)
    fit64 = make(name).fit(X64, y)
    assert fit32.coef_.dtype == np.float32
    f32 = objective(name, fit32, X64, y)
    f64 = objective(name, fit64, X64, y)
    assert abs(f32 - f64) <= 1e-4 * abs(f64)
    pred = fit32.predict(X32)
    np.testing.assert_allclose(pred, fit64.predict(X64), rtol=1e-3, atol=1e-3)


# Ridge centres X and y by subtracting their (weighted) means, and the mean
# of n copies of 3.7 or 0.1 is not exactly 3.7 or 0.1 in floating point, so
# centring alone leaves rounding noise in a constant column or target
# (dyadic values such as 2.0 and 2.5 centre exactly, and the sparse solvers
# centre implicitly, which never cancels exactly): both kinds are tested.
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("value", [2.0, 3.7, 0.1])
@pytest.mark.parametrize("name", ALL)
def test_constant_column_gets_exact_zero(name, value, sparse):
    """A constant column carries no information once an intercept is fitted."""
    X, y = data()
    X[:, 4] = value
    if sparse:
        X = sp.csc_matrix(X)
    est = make(name, fit_intercept=True).fit(X, y)
    assert est.coef_[4] == 0.0
    assert np.count_nonzero(est.coef_) > 0


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("value", [2.5, 0.1, -7.3])
@pytest.mark.parametrize("name", ALL)
def test_constant_y(name, value, weighted):
    X, _ = data()
    y = np.full(X.shape[0], value)
    sw = weights() if weighted else None
    est = make(name).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(est.coef_, np.zeros(X.shape[1]))
    # The weighted mean of a constant is that constant (up to one rounding).
    np.testing.assert_allclose(est.intercept_, np.average(y, weights=sw), rtol=1e-15)
    np.testing.assert_allclose(est.intercept_, value, rtol=1e-15)


# --------------------------------------------------------------------------
# Inputs are never modified
# --------------------------------------------------------------------------


def _snapshot(obj):
    if sp.issparse(obj):
        return {
            k: (getattr(obj, k), getattr(obj, k).copy())
            for k in ("data", "indices", "indptr")
            if hasattr(obj, k)
        } | ({"row": (obj.row, obj.row.copy())} if obj.format == "coo" else {})
    return {"array": (obj, np.array(obj, copy=True))}


def _assert_unchanged(obj, snap):
    for key, (ref, values) in snap.items():
        current = getattr(obj, key) if key != "array" else obj
        assert current is ref, f"{key} was replaced"
        np.testing.assert_array_equal(current, values)
        assert current.dtype == values.dtype


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "kind", ["dense_c", "dense_f", "float32", "big_endian", "csc", "csr_dup", "coo"]
)
def test_fit_and_predict_do_not_modify_inputs(name, kind):
    X, y = sparse_data()
    sw = weights()
    if kind == "dense_f":
        X = np.asfortranarray(X)
    elif kind == "float32":
        X = np.asfortranarray(X, dtype=np.float32)
    elif kind == "big_endian":
        X, y, sw = X.astype(">f8"), y.astype(">f8"), sw.astype(">f8")
    elif kind == "csc":
        X = sp.csc_matrix(X)
    elif kind == "csr_dup":
        X = _with_duplicates_unsorted(sp.csr_matrix(X))
    elif kind == "coo":
        X = sp.coo_matrix(X)
    snaps = [_snapshot(X), _snapshot(y), _snapshot(sw)]
    canonical_flag = getattr(X, "has_canonical_format", None)
    est = make(name, tol=1e-6).fit(X, y, sample_weight=sw)
    est.predict(X)
    for obj, snap in zip((X, y, sw), snaps, strict=True):
        _assert_unchanged(obj, snap)
    if canonical_flag is not None:
        assert X.has_canonical_format == canonical_flag


# --------------------------------------------------------------------------
# predict on awkward input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_predict_awkward_input(name):
    X, y = sparse_data()
    est = make(name).fit(X, y)
    ref = est.predict(X)
    for Xv in (
        _readonly(X),
        X.astype(">f8"),
        np.asfortranarray(X),
        X.tolist(),
        sp.csr_matrix(X),
        sp.csc_array(X),
        sp.coo_matrix(X),
        _with_duplicates_unsorted(sp.csr_matrix(X)),
    ):
        np.testing.assert_allclose(est.predict(Xv), ref, rtol=1e-12, atol=1e-12)


def test_no_warnings_on_clean_input():
    """The clean fits above are warning-free (so the warnings asserted in
    these tests come from the input, not from the solver)."""
    X, y = data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ALL:
            make(name).fit(X, y)


# --------------------------------------------------------------------------
# Every bad argument is named, with what was expected (issue 6)
# --------------------------------------------------------------------------

_Xe, _ye = data(24, 4)
_yc = (_ye > np.median(_ye)).astype(int)


def _named_error_cases():
    """(id, call, exception type, pattern naming the argument and the
    expectation). The estimators above (alpha, l1_ratio, tol, max_iter,
    flags, solver) are covered by the tests earlier in this file."""
    from shrinkage import (
        ElasticNetCV,
        LassoCV,
        LogisticRegression,
        LogisticRegressionCV,
        RidgeCV,
        alpha_grid,
        alpha_max,
        enet_path,
        logistic_path,
    )

    X, y, yc = _Xe, _ye, _yc
    return [
        (
            "precompute",
            lambda: Lasso(precompute="yes").fit(X, y),
            ValueError,
            r"precompute must be 'auto', True or False, got 'yes'",
        ),
        (
            "cv_eps",
            lambda: LassoCV(eps=2.0).fit(X, y),
            ValueError,
            r"eps must be in \(0, 1\), got 2.0",
        ),
        (
            "cv_n_alphas",
            lambda: LassoCV(n_alphas=0).fit(X, y),
            ValueError,
            "n_alphas == 0, must be >= 1",
        ),
        (
            "cv_alphas",
            lambda: LassoCV(alphas=[-1.0, 1.0]).fit(X, y),
            ValueError,
            "alphas must be finite and non-negative",
        ),
        (
            "cv_max_iter",
            lambda: LassoCV(max_iter=0).fit(X, y),
            ValueError,
            "max_iter == 0, must be >= 1",
        ),
        (
            "cv_tol",
            lambda: ElasticNetCV(tol=-1.0).fit(X, y),
            ValueError,
            "tol == -1.0, must be >= 0",
        ),
        (
            "cv_l1_ratio",
            lambda: ElasticNetCV(l1_ratio=[0.5, 1.5]).fit(X, y),
            ValueError,
            "l1_ratio == 1.5, must be <= 1",
        ),
        (
            "cv_l1_ratio_empty",
            lambda: ElasticNetCV(l1_ratio=[]).fit(X, y),
            ValueError,
            "l1_ratio must be a float or a non-empty list",
        ),
        (
            "cv_l1_ratio_zero",
            lambda: ElasticNetCV(l1_ratio=0.0).fit(X, y),
            ValueError,
            "needs l1_ratio > 0",
        ),
        (
            "cv_n_jobs",
            lambda: LassoCV(n_jobs=0).fit(X, y),
            ValueError,
            "n_jobs must not be 0",
        ),
        (
            "cv_n_jobs_type",
            lambda: LassoCV(n_jobs="2").fit(X, y),
            TypeError,
            "n_jobs must be an int or None",
        ),
        (
            "cv_string",
            lambda: LassoCV(cv="five").fit(X, y),
            ValueError,
            "Expected `cv` as an integer",
        ),
        (
            "cv_one_fold",
            lambda: LassoCV(cv=1).fit(X, y),
            ValueError,
            "cv=1 cannot split the data: .*n_splits=2 or more",
        ),
        (
            "cv_too_many",
            lambda: RidgeCV(cv=100).fit(X, y),
            ValueError,
            "cv=100 cannot split the data",
        ),
        (
            "cv_empty",
            lambda: LassoCV(cv=[]).fit(X, y),
            ValueError,
            r"cv must yield at least one \(train, test\) split, got none",
        ),
        (
            "cv_not_pairs",
            lambda: LassoCV(cv=[(1, 2, 3)]).fit(X, y),
            ValueError,
            r"cv=\[\(1, 2, 3\)\] cannot split the data: too many values to unpack",
        ),
        (
            "cv_out_of_range",
            lambda: LassoCV(cv=[([0, 1], [99])]).fit(X, y),
            ValueError,
            r"cv split 0: the test indices must lie in \[0, 24\)",
        ),
        (
            "cv_negative",
            lambda: RidgeCV(cv=[([-1, 1], [2])]).fit(X, y),
            ValueError,
            r"cv split 0: the train indices must lie in \[0, 24\)",
        ),
        (
            "cv_float_indices",
            lambda: LogisticRegressionCV(cv=[([0.5, 1], [2])]).fit(X, yc),
            ValueError,
            "cv split 0: the train indices must be a 1-D array of integers",
        ),
        (
            "cv_empty_fold",
            lambda: LassoCV(cv=[(np.arange(24), [])]).fit(X, y),
            ValueError,
            "cv split 0 has an empty test set",
        ),
        (
            "cv_zero_weight_fold",
            lambda: LassoCV(cv=2).fit(
                X, y, sample_weight=np.r_[np.zeros(12), np.ones(12)]
            ),
            ValueError,
            "cv split 0: every sample of its test set has sample_weight 0",
        ),
        (
            "logistic_alpha",
            lambda: LogisticRegression(alpha=-1.0).fit(X, yc),
            ValueError,
            "alpha == -1.0, must be >= 0",
        ),
        (
            "logistic_l1_ratio",
            lambda: LogisticRegression(l1_ratio=2.0).fit(X, yc),
            ValueError,
            "l1_ratio == 2.0, must be <= 1",
        ),
        (
            "logistic_max_epochs",
            lambda: LogisticRegression(max_epochs=0).fit(X, yc),
            ValueError,
            "max_epochs == 0, must be >= 1",
        ),
        (
            "logistic_warm_start",
            lambda: LogisticRegression(warm_start=1).fit(X, yc),
            TypeError,
            "warm_start must be a bool",
        ),
        (
            "logistic_sample_weight",
            lambda: LogisticRegression().fit(X, yc, sample_weight=np.ones(23)),
            ValueError,
            "sample_weight has 23 entries but X has 24 samples",
        ),
        (
            "logistic_cv_scoring",
            lambda: LogisticRegressionCV(scoring="auc").fit(X, yc),
            ValueError,
            "scoring must be 'neg_log_loss' or 'accuracy', got 'auc'",
        ),
        (
            "logistic_cv_alphas_count",
            lambda: LogisticRegressionCV(alphas=0).fit(X, yc),
            ValueError,
            r"alphas \(a number of alphas\) == 0, must be >= 1",
        ),
        (
            "logistic_cv_alphas",
            lambda: LogisticRegressionCV(alphas=[-1.0]).fit(X, yc),
            ValueError,
            "alphas must be a non-empty array of finite values >= 0",
        ),
        (
            "logistic_cv_eps",
            lambda: LogisticRegressionCV(eps=0).fit(X, yc),
            ValueError,
            r"eps must be in \(0, 1\), got 0",
        ),
        (
            "ridge_cv_alphas",
            lambda: RidgeCV(alphas=[1.0, -1.0]).fit(X, y),
            ValueError,
            r"alphas\[1\] == -1.0, must be >= 0",
        ),
        (
            "ridge_cv_alpha_zero_loo",
            lambda: RidgeCV(alphas=[0.0]).fit(X, y),
            ValueError,
            r"alphas\[0\] == 0.0, must be > 0 with cv=None",
        ),
        (
            "ridge_cv_gcv_mode",
            lambda: RidgeCV(gcv_mode="qr").fit(X, y),
            ValueError,
            "gcv_mode must be one of",
        ),
        (
            "ridge_cv_sample_weight",
            lambda: RidgeCV().fit(X, y, sample_weight=np.ones((24, 2))),
            ValueError,
            "sample_weight must be 1-dimensional",
        ),
        (
            "path_coef_init",
            lambda: enet_path(X, y, coef_init=np.ones(3)),
            ValueError,
            r"coef_init must have shape \(4,\), got \(3,\)",
        ),
        (
            "path_max_iter",
            lambda: enet_path(X, y, max_iter=-1),
            ValueError,
            "max_iter == -1, must be >= 1",
        ),
        (
            "path_n_alphas",
            lambda: enet_path(X, y, n_alphas=0),
            ValueError,
            "n_alphas == 0, must be >= 1",
        ),
        (
            "path_alphas_empty",
            lambda: enet_path(X, y, alphas=[]),
            ValueError,
            "alphas must not be empty",
        ),
        (
            "logistic_path_max_epochs",
            lambda: logistic_path(X, yc, max_epochs=0),
            ValueError,
            "max_epochs == 0, must be >= 1",
        ),
        (
            "alpha_max_l1_ratio",
            lambda: alpha_max(X, y, l1_ratio=0),
            ValueError,
            "l1_ratio == 0, must be > 0",
        ),
        (
            "alpha_max_fit_intercept",
            lambda: alpha_max(X, y, fit_intercept="yes"),
            TypeError,
            "fit_intercept must be a bool",
        ),
        (
            "alpha_grid_eps",
            lambda: alpha_grid(X, y, eps=0),
            ValueError,
            r"eps must be in \(0, 1\)",
        ),
        (
            "from_strengths",
            lambda: ElasticNet.from_strengths(-1.0, 0.0),
            ValueError,
            "l1_strength == -1.0, must be >= 0",
        ),
        (
            "datetime_X",
            lambda: Lasso().fit(X.astype("M8[s]"), y),
            TypeError,
            "X has dtype datetime64",
        ),
        (
            "timedelta_y",
            lambda: Ridge().fit(X, y.astype("m8[s]")),
            TypeError,
            "y has dtype timedelta64",
        ),
        (
            "datetime_predict",
            lambda: Lasso().fit(X, y).predict(X.astype("M8[s]")),
            TypeError,
            "X has dtype datetime64",
        ),
    ]


@pytest.mark.parametrize(
    "call, error, match",
    [pytest.param(*case[1:], id=case[0]) for case in _named_error_cases()],
)
def test_errors_name_the_argument(call, error, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=match):
            call()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 11])
def test_finite_max_abs_agrees_with_numpy(dtype, n):
    """The one-pass check of X (four lanes and a tail) against numpy: every
    position of a non-finite value is caught, and max |x| is exact."""
    from shrinkage._kernels._enet import finite_max_abs

    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(dtype) * 10
    finite, top = finite_max_abs(x)
    assert finite
    assert top == (float(np.abs(x).max()) if n else 0.0)
    for k in range(n):
        for bad in (np.nan, np.inf, -np.inf):
            xb = x.copy()
            xb[k] = bad
            assert not finite_max_abs(xb)[0], (k, bad)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 3, 7, 8, 9, 17])
@pytest.mark.parametrize("layout", ["dense", "weighted", "csc"])
def test_column_stats_summary_catches_every_nonfinite_value(dtype, n, layout):
    """A single fit checks X from its column statistics' pass (vector lanes
    and a tail for dense float64): a NaN or infinity at any position makes
    its sums non-finite, and the bound covers max |x| when they are finite."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    rng = np.random.default_rng(n)
    X = np.asfortranarray(rng.standard_normal((n, 3)).astype(dtype) * 10)
    sw = rng.uniform(0.0, 2.0, n).astype(dtype) if layout == "weighted" else None

    def summary(Z):
        Z = sp.csc_matrix(Z) if layout == "csc" else Z
        return design_stats(as_design(Z), sw, True, summary=True)[2]

    finite, bound = summary(X)
    assert finite and bound >= float(np.abs(X).max())
    for i in range(n):
        for bad in (np.nan, np.inf, -np.inf):
            Xb = X.copy(order="F")
            Xb[i, 1] = bad
            assert not summary(Xb)[0], (i, bad)


def test_loose_magnitude_bound_falls_back_to_the_exact_check():
    """The statistics' bound on max |x| (|x_0| + the column's root sum of
    squares for dense X) can exceed the largest usable magnitude while every
    value is below it: the exact pass then decides, and the fit proceeds."""
    n = 4000
    limit = float(np.sqrt(np.finfo(np.float32).max / (4.0 * n)))
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.uniform(0.5, 1.0, (n, 3)) * 0.5 * limit, np.float32)
    y = (X @ np.array([1.0, -1.0, 0.5]) / limit).astype(np.float32)
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    assert design_stats(as_design(X), None, True, summary=True)[2][1] > limit
    assert float(np.abs(X).max()) < limit
    model = Lasso(alpha=1e-6).fit(X, y)
    assert np.all(np.isfinite(model.coef_))
    with pytest.raises(ValueError, match="X has values as large as"):
        Lasso(alpha=1e-6).fit(X * np.float32(4.0), y)


@pytest.mark.parametrize("fmt", ["csc", "csr", "bsr"])
def test_stored_arrays_past_indptr_end_are_dropped(fmt):
    # indices/data longer than indptr[-1] are valid for scipy, but some of
    # its compiled routines size their work by those lengths: such a matrix
    # once corrupted the heap in RidgeCV (a crash found by test_fuzz.py).
    # The validation gate hands on a matrix over the covered entries only.
    from shrinkage import RidgeCV
    from shrinkage._validation import check_sparse_structure

    dense = np.array([[2.4, 2.2], [1e-7, 0.0], [0.0, 0.0]])
    clean = sp.csc_matrix(dense).asformat(fmt)
    X = clean.copy()
    X.indices = np.append(X.indices, 0)
    X.data = np.concatenate([X.data, np.ones((1,) + X.data.shape[1:])])
    checked = check_sparse_structure(X)
    nnz = int(clean.indptr[-1])
    assert checked.indices.shape[0] == nnz and checked.data.shape[0] == nnz
    np.testing.assert_array_equal(checked.toarray(), dense)
    assert check_sparse_structure(clean) is clean  # nothing to drop: no copy
    y = np.array([-8.1, 5.8, -10.0])
    got = RidgeCV(alphas=(0.1, 1.0), cv=2).fit(X, y)
    ref = RidgeCV(alphas=(0.1, 1.0), cv=2).fit(clean, y)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------
# The fit-time shortcut past scikit-learn's validation
# --------------------------------------------------------------------------

_FIT_CHECKS = dict(
    accept_sparse=["csc", "csr", "coo"],
    dtype=[np.float64, np.float32],
    order="F",
    ensure_all_finite=False,
)


def _plain_inputs():
    rng = np.random.default_rng(3)
    dense = rng.standard_normal((7, 4))
    dense[dense < 0.3] = 0.0
    y_float = rng.standard_normal(7)
    for X in (
        dense,
        np.asfortranarray(dense),
        dense.astype(np.float32),
        dense[::1, :3],
        sp.csc_matrix(dense),
        sp.csr_matrix(dense.astype(np.float32)),
        sp.csc_array(dense),
        sp.csr_array(dense),
    ):
        for y in (y_float, (y_float > 0).astype(np.int64), y_float > 0):
            yield X, y


@pytest.mark.parametrize("case", range(24))
def test_plain_fit_data_returns_what_sklearn_returns(case):
    # For input that the shortcut takes, scikit-learn's validate_data returns
    # X and y unchanged and records n_features_in_: the shortcut must agree.
    from sklearn.utils.validation import validate_data

    from shrinkage._validation import _plain_fit_data, _validate_data

    X, y = list(_plain_inputs())[case]
    ours_est, sk_est = Lasso(), Lasso()
    assert _plain_fit_data(ours_est, X, y, True)
    X_ours, y_ours = _validate_data(ours_est, X, y, **_FIT_CHECKS)
    X_sk, y_sk = validate_data(sk_est, X, y, **_FIT_CHECKS)
    assert type(X_ours) is type(X_sk) and X_ours.dtype == X_sk.dtype
    assert y_ours.dtype == y_sk.dtype
    np.testing.assert_array_equal(
        X_ours.toarray() if sp.issparse(X_ours) else X_ours,
        X_sk.toarray() if sp.issparse(X_sk) else X_sk,
    )
    np.testing.assert_array_equal(y_ours, y_sk)
    assert ours_est.n_features_in_ == sk_est.n_features_in_ == X.shape[1]


def test_plain_fit_data_leaves_everything_else_to_sklearn():
    from shrinkage._validation import _plain_fit_data

    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal(6)
    est = Lasso()
    y_nan = y.copy()
    y_nan[2] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrix = np.asmatrix(X)
    not_plain = [
        (X.tolist(), y),  # a list
        (X.astype(np.int64), y),  # converted to float by scikit-learn
        (X.astype(np.float16), y),
        (X.astype(">f8"), y),  # big-endian
        (X[:, 0], y),  # 1-D
        (X[:0], y[:0]),  # no samples
        (X[:, :0], y),  # no features
        (matrix, y),  # a subclass
        (sp.coo_matrix(X), y),  # converted later
        (X, y[:5]),  # lengths differ
        (X, y[:, None]),  # a column: scikit-learn warns
        (X, y_nan),  # scikit-learn names the NaN
        (X, y.astype(">f8")),
        (X, y.astype(str)),
        (X, y.astype(complex)),
    ]
    for X_bad, y_bad in not_plain:
        assert not _plain_fit_data(est, X_bad, y_bad, True), (type(X_bad), y_bad)
    assert _plain_fit_data(None, X, y, True)  # a path: no estimator state
    # without reset, only an estimator that saw as many features
    assert not _plain_fit_data(est, X, y, False)
    est.n_features_in_ = 4
    assert not _plain_fit_data(est, X, y, False)
    est.n_features_in_ = 3
    assert _plain_fit_data(est, X, y, False)
    # feature names to forget (or warn about) are scikit-learn's to handle
    est.feature_names_in_ = np.array(["a", "b", "c"], dtype=object)
    assert not _plain_fit_data(est, X, y, True)


def test_refit_on_an_array_forgets_earlier_feature_names():
    # (as after a fit on a dataframe; scikit-learn drops the names when the
    # new X has none, and the shortcut leaves that case to it)
    rng = np.random.default_rng(5)
    X = rng.standard_normal((20, 3))
    y = X @ np.array([1.0, 0.0, -2.0])
    model = Lasso(alpha=0.01).fit(X, y)
    model.feature_names_in_ = np.array(["a", "b", "c"], dtype=object)
    model.fit(X, y)
    assert not hasattr(model, "feature_names_in_")
    assert model.n_features_in_ == 3
