"""Property-based tests: every small random problem gets a certified answer.

Hypothesis draws small problems (n, p <= 30; dense, CSR or CSC; float32 or
float64; with or without intercept, sample weights and the positivity
constraint; Lasso or ElasticNet; degenerate columns included) and checks
properties that must hold for *every* input, against independent oracles:

* optimality (KKT) to the precision the duality gap guarantees (bounds
  derived below), with the gap recomputed by ``shrinkage.reference`` in
  float64 as well as the one the estimator reports;
* ``dual_gap_`` is >= 0 (up to rounding) and <= the requested tolerance when
  no ConvergenceWarning was raised;
* the objective is no worse than that of the NumPy reference solver, by
  more than the reported gap;
* the answer does not depend on the memory layout (C/F order, read-only
  buffers): bit-identical;
* dense, CSR and CSC input give the same objective to 1e-10 (float64).

LogisticRegression and Ridge get the analogous optimality and layout checks.
Nothing here compares with stored outputs of the package.

Budget: the active hypothesis profile (tests/conftest.py) scales the number
of examples; the default keeps this file to a few seconds.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from _helpers import examples
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning

from shrinkage import ElasticNet, Lasso, LogisticRegression, Ridge, reference

# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


@dataclass
class Problem:
    X: Any  # in the drawn format and dtype
    X64: np.ndarray  # the same numbers, dense float64
    y: np.ndarray  # float64, exactly representable in X's dtype
    sw: np.ndarray | None
    fit_intercept: bool
    positive: bool
    l1_ratio: float
    alpha: float

    @property
    def dtype(self):
        return self.X.dtype


def _as_format(X: np.ndarray, fmt: str):
    if fmt == "csr":
        return sp.csr_matrix(X)
    if fmt == "csc":
        return sp.csc_matrix(X)
    return X


def _design(rng, n: int, p: int, density: float, special: str) -> np.ndarray:
    """Columns of mixed scales and means, some entries zeroed, and (special)
    one degenerate column: all zero, constant, or a copy of another one."""
    scales = 10.0 ** rng.uniform(-1.5, 1.5, size=p)
    X = rng.standard_normal((n, p)) * scales + rng.uniform(-1, 1, size=p) * scales
    X[rng.uniform(size=(n, p)) > density] = 0.0
    if p >= 2:
        if special == "zero":
            X[:, -1] = 0.0
        elif special == "constant":
            X[:, -1] = 1.5
        elif special == "duplicate":
            X[:, -1] = X[:, 0]
    return X


def _alpha_max(X64, y, sw, l1_ratio, fit_intercept) -> float:
    swv = np.ones_like(y) if sw is None else sw
    S = swv.sum()
    if fit_intercept:
        xbar, ybar = swv @ X64 / S, swv @ y / S
    else:
        xbar, ybar = np.zeros(X64.shape[1]), 0.0
    corr = (X64 - xbar).T @ (swv * (y - ybar)) / S
    return float(np.max(np.abs(corr))) / l1_ratio


@st.composite
def problems(
    draw,
    *,
    formats=("dense", "csr", "csc"),
    dtypes=(np.float64, np.float32),
    max_size: int = 30,
):
    n = draw(st.integers(1, max_size))
    p = draw(st.integers(1, max_size))
    fmt = draw(st.sampled_from(formats))
    dtype = draw(st.sampled_from(dtypes))
    density = draw(st.sampled_from([1.0, 0.6, 0.25]))
    special = draw(st.sampled_from(["none", "zero", "constant", "duplicate"]))
    fit_intercept = draw(st.booleans())
    positive = draw(st.booleans())
    weighted = draw(st.booleans())
    l1_ratio = draw(st.sampled_from([1.0, 1.0, 0.7, 0.3, 0.05]))
    alpha_frac = draw(st.floats(0.02, 1.2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    X = _design(rng, n, p, density, special).astype(dtype)
    k = min(p, 4)
    w_true = np.zeros(p)
    w_true[rng.choice(p, size=k, replace=False)] = rng.standard_normal(k) * 2
    X64 = X.astype(np.float64)
    y = X64 @ w_true + rng.standard_normal(n) * rng.uniform(0.01, 1) + 3.0
    y = y.astype(dtype).astype(np.float64)  # the numbers X's dtype sees
    sw = None
    if weighted:
        sw = rng.uniform(0.1, 3.0, size=n)
        sw[rng.uniform(size=n) < 0.15] = 0.0
        sw[rng.integers(n)] = 1.0  # never all zero
        sw = sw.astype(dtype).astype(np.float64)
    amax = _alpha_max(X64, y, sw, l1_ratio, fit_intercept)
    alpha = alpha_frac * amax if amax > 1e-12 else alpha_frac
    return Problem(
        _as_format(X, fmt), X64, y, sw, fit_intercept, positive, l1_ratio, alpha
    )


def _estimator(pb: Problem, **kw):
    common = dict(
        alpha=pb.alpha, fit_intercept=pb.fit_intercept, positive=pb.positive, **kw
    )
    if pb.l1_ratio == 1.0:
        return Lasso(**common)
    return ElasticNet(l1_ratio=pb.l1_ratio, **common)


def _fit(pb: Problem, X=None, **kw):
    """Fit; returns (model, converged) with converged False on a warning."""
    model = _estimator(pb, **kw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(pb.X if X is None else X, pb.y, sample_weight=pb.sw)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return model, converged


def _objective(pb: Problem, w, b) -> float:
    return reference.enet_objective(
        pb.X64,
        pb.y,
        np.asarray(w, dtype=np.float64),
        float(b),
        alpha=pb.alpha,
        l1_ratio=pb.l1_ratio,
        sample_weight=pb.sw,
    )


def _null_deviance(pb: Problem) -> float:
    """``sum_i sw_i (y_i - ybar)^2 / S``: the scale of the objective."""
    swv = np.ones_like(pb.y) if pb.sw is None else pb.sw
    ybar = swv @ pb.y / swv.sum() if pb.fit_intercept else 0.0
    return float(swv @ (pb.y - ybar) ** 2 / swv.sum())


# The tolerance and slack (in units of the null deviance) per dtype: float32
# solves compute residuals in single precision.
TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}
ROUNDING = {np.dtype(np.float64): 1e-13, np.dtype(np.float32): 2e-6}


# --------------------------------------------------------------------------
# Oracles
# --------------------------------------------------------------------------


def assert_enet_kkt(pb: Problem, w: np.ndarray, b: float, gap: float) -> None:
    """Optimality conditions implied by a duality gap ``gap``.

    Write P = F + l1 ||.||_1 (+ the indicator of w >= 0), F the smooth part,
    v = -grad F(w) = g - l2 w with g = Xc^T (sw r) / S, and w* a minimiser
    (v* its v). For every w with P(w) - P(w*) <= G:

    * F is (1/S) ||Xc .||^2_sw + l2 strongly convex along w - w*, so
      ||Xc (w - w*)||_sw / sqrt(S) <= sqrt(2G) and sqrt(l2) ||w - w*|| <=
      sqrt(2G), hence |v_j - v*_j| <= B_j = sqrt(2G) (sqrt(L_j) + sqrt(l2))
      with L_j = ||xc_j||^2_sw / S. As |v*_j| <= l1 (v*_j <= l1 if
      positive): |v_j| <= l1 + B_j.
    * P(w) - P(w*) >= sum_j (l1 |w_j| - v*_j w_j), every term >= 0; so on
      the support l1 - v*_j sign(w_j) <= G / |w_j|, and
      |v_j - l1 sign(w_j)| <= B_j + G / |w_j|.
    * The intercept is optimal for w: the weighted residuals sum to 0.
    """
    X, y = pb.X64, pb.y
    swv = np.ones_like(y) if pb.sw is None else pb.sw
    S = swv.sum()
    w = np.asarray(w, dtype=np.float64)
    l1, l2 = pb.alpha * pb.l1_ratio, pb.alpha * (1 - pb.l1_ratio)
    if pb.fit_intercept:
        xbar, ybar = swv @ X / S, swv @ y / S
    else:
        xbar, ybar = np.zeros(X.shape[1]), 0.0
    Xc = X - xbar
    r = (y - ybar) - Xc @ w
    v = Xc.T @ (swv * r) / S - l2 * w
    lip = swv @ Xc**2 / S
    scale = np.sqrt(_null_deviance(pb)) + 1e-300
    # rounding in v: a few ulps of sqrt(L_j) ||r||_sw (Cauchy-Schwarz terms)
    noise = 1e-12 * (np.sqrt(lip) * (scale + np.sqrt(swv @ r**2 / S)) + l1 + l2)
    bound = np.sqrt(2 * max(gap, 0.0)) * (np.sqrt(lip) + np.sqrt(l2)) + noise
    if pb.positive:
        assert np.all(w >= 0), "positive=True gave a negative coefficient"
        viol = v - l1 - bound
    else:
        viol = np.abs(v) - l1 - bound
    assert np.all(viol <= 0), f"dual constraint violated by {viol.max():.3e}"
    on = w != 0
    if np.any(on):
        excess = np.abs(v[on] - l1 * np.sign(w[on])) - bound[on] - gap / np.abs(w[on])
        assert np.all(excess <= 0), f"support condition off by {excess.max():.3e}"
    if pb.fit_intercept:
        b_opt = ybar - xbar @ w
        atol = (1e-9 if pb.dtype == np.float64 else 1e-4) * (
            np.abs(y).max() + np.abs(X).max() * np.abs(w).sum() + 1.0
        )
        assert abs(b - b_opt) <= atol, (b, b_opt)


def _reference_gap(pb: Problem, w) -> float:
    return reference.enet_dual_gap(
        pb.X64,
        pb.y,
        np.asarray(w, dtype=np.float64),
        alpha=pb.alpha,
        l1_ratio=pb.l1_ratio,
        sample_weight=pb.sw,
        fit_intercept=pb.fit_intercept,
        positive=pb.positive,
    )


# --------------------------------------------------------------------------
# Lasso / ElasticNet
# --------------------------------------------------------------------------


@examples(30)
@given(pb=problems(), tol_exp=st.integers(-10, -4))
def test_enet_kkt_and_gap(pb, tol_exp):
    tol = max(10.0**tol_exp, TOL[pb.dtype])
    model, converged = _fit(pb, tol=tol, max_iter=20_000)
    assert model.coef_.dtype == pb.dtype
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    if not pb.fit_intercept:
        assert model.intercept_ == 0.0
    null = _null_deviance(pb)
    rounding = ROUNDING[pb.dtype] * null
    # the gap is non-negative up to rounding, and meets tol at convergence
    assert model.dual_gap_ >= -rounding
    if converged:
        assert model.dual_gap_ <= tol * null * (1 + 1e-12) + 1e-300
    # optimality implied by the reported gap, and by the reference's own gap
    ref_gap = _reference_gap(pb, model.coef_)
    assert ref_gap >= -1e-13 * null
    assert_enet_kkt(pb, model.coef_, model.intercept_, model.dual_gap_ + rounding)
    assert_enet_kkt(pb, model.coef_, model.intercept_, ref_gap + 1e-13 * null)


@examples(15)
@given(pb=problems(max_size=20))
def test_enet_objective_no_worse_than_reference(pb):
    tol = TOL[pb.dtype]
    model, _ = _fit(pb, tol=tol, max_iter=20_000)
    w_ref, b_ref, _, _ = reference.enet_coordinate_descent(
        pb.X64,
        pb.y,
        alpha=pb.alpha,
        l1_ratio=pb.l1_ratio,
        sample_weight=pb.sw,
        fit_intercept=pb.fit_intercept,
        positive=pb.positive,
        max_iter=2000,
        tol=1e-10,
    )
    p_ours = _objective(pb, model.coef_, model.intercept_)
    p_ref = _objective(pb, w_ref, b_ref)
    slack = ROUNDING[pb.dtype] * _null_deviance(pb) + 1e-14 * abs(p_ref)
    # our gap certifies P(ours) - min P, and min P <= P(reference)
    assert p_ours <= p_ref + max(model.dual_gap_, 0.0) + slack, (p_ours, p_ref)


def _read_only(a):
    a = np.array(a, copy=True, order="K")
    a.setflags(write=False)
    return a


def _read_only_sparse(S):
    S = S.copy()
    for name in ("data", "indices", "indptr"):
        setattr(S, name, _read_only(getattr(S, name)))
    return S


def _assert_identical(a, b, label: str) -> None:
    for attr in ("coef_", "intercept_", "dual_gap_", "n_iter_"):
        x, z = np.asarray(getattr(a, attr)), np.asarray(getattr(b, attr))
        assert x.dtype == z.dtype, (label, attr)
        assert np.array_equal(x, z), (label, attr)


@examples(20)
@given(pb=problems(formats=("dense",)))
def test_enet_layout_and_read_only_are_bit_identical(pb):
    X = pb.X
    variants = {
        "C": np.ascontiguousarray(X),
        "F": np.asfortranarray(X),
        "C read-only": _read_only(np.ascontiguousarray(X)),
        "F read-only": _read_only(np.asfortranarray(X)),
    }
    ref, _ = _fit(pb, X=variants.pop("C"), tol=1e-8)
    for label, Xv in variants.items():
        model, _ = _fit(pb, X=Xv, tol=1e-8)
        _assert_identical(model, ref, label)
    # read-only y and weights too
    ro = _estimator(pb, tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ro.fit(
            variants["F read-only"],
            _read_only(pb.y),
            sample_weight=None if pb.sw is None else _read_only(pb.sw),
        )
    _assert_identical(ro, ref, "read-only y/sw")


@examples(20)
@given(pb=problems(formats=("csc", "csr")))
def test_enet_sparse_read_only_is_bit_identical(pb):
    ref, _ = _fit(pb, tol=1e-8)
    model, _ = _fit(pb, X=_read_only_sparse(pb.X), tol=1e-8)
    _assert_identical(model, ref, "read-only sparse")


@examples(20)
@given(pb=problems(formats=("dense",), dtypes=(np.float64,)))
def test_enet_dense_csr_csc_agree(pb):
    fits = {}
    for fmt in ("dense", "csr", "csc"):
        model, converged = _fit(
            pb, X=_as_format(pb.X, fmt), tol=1e-14, max_iter=100_000
        )
        assume(converged)  # tol=1e-14 is out of reach on a few ill-posed draws
        fits[fmt] = _objective(pb, model.coef_, model.intercept_)
    values = np.array(list(fits.values()))
    # P >= 1e-14 * null too: the relative test is not vacuous near P = 0
    scale = max(values.max(), 1e-300)
    assert values.max() - values.min() <= 1e-10 * scale, fits


# --------------------------------------------------------------------------
# Ridge
# --------------------------------------------------------------------------


@examples(15)
@given(
    pb=problems(dtypes=(np.float64,)),
    log_alpha=st.floats(-3, 3),
)
def test_ridge_normal_equations_and_layouts(pb, log_alpha):
    """Ridge (sklearn convention) solves its normal equations; dense
    layouts are bit-identical; sparse (LSQR) reaches the same objective."""
    alpha = 10.0**log_alpha
    X = pb.X
    model = Ridge(
        alpha=alpha, fit_intercept=pb.fit_intercept, tol=1e-12, max_iter=10_000
    )
    with warnings.catch_warnings():
        # LSQR's default limit (2 p iterations) is too few for some draws
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, pb.y, sample_weight=pb.sw)
    w_ref, b_ref = reference.ridge_closed_form(
        pb.X64, pb.y, alpha=alpha, sample_weight=pb.sw, fit_intercept=pb.fit_intercept
    )

    def obj(w, b):
        return reference.ridge_objective(
            pb.X64, pb.y, w, b, alpha=alpha, sample_weight=pb.sw
        )

    p_ours, p_ref = obj(model.coef_, model.intercept_), obj(w_ref, b_ref)
    swv = np.ones_like(pb.y) if pb.sw is None else pb.sw
    null = float(
        swv @ (pb.y - (swv @ pb.y / swv.sum() if pb.fit_intercept else 0)) ** 2
    )
    # strictly convex quadratic: the closed form is the minimum
    rtol = 1e-9 if sp.issparse(X) else 1e-11
    assert p_ours <= p_ref + rtol * (p_ref + null), (p_ours, p_ref)
    if not sp.issparse(X):
        for Xv in (np.asfortranarray(X), _read_only(X)):
            other = Ridge(alpha=alpha, fit_intercept=pb.fit_intercept)
            other.fit(Xv, pb.y, sample_weight=pb.sw)
            again = Ridge(alpha=alpha, fit_intercept=pb.fit_intercept)
            again.fit(np.ascontiguousarray(X), pb.y, sample_weight=pb.sw)
            np.testing.assert_array_equal(other.coef_, again.coef_)
            np.testing.assert_array_equal(other.intercept_, again.intercept_)


# --------------------------------------------------------------------------
# LogisticRegression
# --------------------------------------------------------------------------


@st.composite
def classification_problems(draw):
    n = draw(st.integers(4, 30))
    p = draw(st.integers(1, 12))
    n_classes = draw(st.sampled_from([2, 2, 3]))
    fmt = draw(st.sampled_from(["dense", "csr", "csc"]))
    fit_intercept = draw(st.booleans())
    weighted = draw(st.booleans())
    l1_ratio = draw(st.sampled_from([1.0, 0.5, 0.0]))
    log_alpha = draw(st.floats(-2.5, -0.5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = _design(rng, n, p, draw(st.sampled_from([1.0, 0.5])), "none")
    X /= np.maximum(np.abs(X).max(axis=0), 1e-12)  # logistic: O(1) columns
    labels = rng.integers(0, n_classes, size=n)
    labels[:n_classes] = np.arange(n_classes)  # every class present
    sw = rng.uniform(0.2, 2.0, size=n) if weighted else None
    return _as_format(X, fmt), X, labels, sw, fit_intercept, l1_ratio, 10.0**log_alpha


def assert_logistic_kkt(model, X, labels, sw, alpha, l1_ratio) -> None:
    """Optimality implied by the reported gap G.

    With F the mean (weighted) log-loss plus l2/2 ||W||^2: the log-loss is
    1/4-smooth in each linear predictor (softmax: its Hessian is <= I/2 in
    the whole row, so 1/2), hence by co-coercivity the Bregman divergence
    of F between W and W* (<= P(W) - P* <= G) bounds
    sum_i sw_i/S ||p_i - p*_i||^2 <= 2 c G (c = 1/4 binary, 1/2 softmax)
    and l2 ||W - W*||^2 <= 2G. So each entry of V = X^T (U - P) / S - l2 W
    is within B_j = sqrt(2 c G M_j) + sqrt(2 l2 G) of V*, with
    M_j = sum_i sw_i x_ij^2 / S, and the same two conditions as for the
    elastic net follow (|V| <= l1 + B; on the support, within
    B + G / |W_kj| of l1 sign(W_kj)).
    """
    swv = np.ones(X.shape[0]) if sw is None else sw
    S = swv.sum()
    W = np.asarray(model.coef_, dtype=np.float64)
    Z = X @ W.T + model.intercept_
    idx = np.searchsorted(model.classes_, labels)
    if W.shape[0] == 1:
        U = (idx == 1).astype(float)[:, None]
        P = expit(Z)
        c = 0.25
    else:
        U = np.eye(W.shape[0])[idx]
        P = softmax(Z, axis=1)
        c = 0.5
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    G = max(model.dual_gap_, 0.0) + 1e-13
    V = (X.T @ (swv[:, None] * (U - P)) / S).T - l2 * W  # (rows, p)
    M = swv @ X**2 / S
    B = np.sqrt(2 * c * G * M) + np.sqrt(2 * l2 * G) + 1e-12
    assert np.all(np.abs(V) <= l1 + B), np.max(np.abs(V) - l1 - B)
    on = W != 0
    if np.any(on):
        Bk = np.broadcast_to(B, W.shape)
        excess = np.abs(V[on] - l1 * np.sign(W[on])) - Bk[on] - G / np.abs(W[on])
        assert np.all(excess <= 0), excess.max()
    if model.fit_intercept:  # unpenalised: its gradient vanishes, same bound
        grad_b = swv @ (U - P) / S
        assert np.all(np.abs(grad_b) <= np.sqrt(2 * c * G) + 1e-9), grad_b


@examples(15)
@given(cp=classification_problems())
def test_logistic_kkt_gap_and_layouts(cp):
    X, X64, labels, sw, fit_intercept, l1_ratio, alpha = cp
    tol = 1e-8
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=tol)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(**kw).fit(X, labels, sample_weight=sw)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert np.all(np.isfinite(model.coef_)) and np.all(np.isfinite(model.intercept_))
    assert model.dual_gap_ >= -1e-12
    if converged:
        # tolerance relative to the null loss (class entropy, log K without
        # intercept), which is at most log K
        assert model.dual_gap_ <= tol * np.log(len(model.classes_)) + 1e-15
    assert_logistic_kkt(model, X64, labels, sw, alpha, l1_ratio)
    if not sp.issparse(X):
        for Xv in (np.asfortranarray(X), _read_only(X), _read_only(X.T).T):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                other = LogisticRegression(**kw).fit(Xv, labels, sample_weight=sw)
            np.testing.assert_array_equal(other.coef_, model.coef_)
            np.testing.assert_array_equal(other.intercept_, model.intercept_)
            assert other.n_iter_ == model.n_iter_
