"""LogisticRegression against scikit-learn, optimality conditions and the gap."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from _helpers import solve_logistic_problem
from scipy.special import expit, logsumexp, softmax
from sklearn.exceptions import ConvergenceWarning

from shrinkage import LogisticRegression


def _data(n, p, n_classes, seed, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
        X = sp.csr_matrix(X)
    W = rng.standard_normal((n_classes, p)) * (rng.random((n_classes, p)) < 0.2)
    scores = np.asarray(X @ W.T) + rng.gumbel(size=(n, n_classes))
    return X, np.argmax(scores, axis=1)


def _objective(model, X, y, alpha, l1_ratio, sw=None):
    """Mean (weighted) log-loss + elastic net, written out independently."""
    sw = np.ones(len(y)) if sw is None else sw
    Z = np.asarray(X @ model.coef_.T) + model.intercept_
    idx = np.searchsorted(model.classes_, y)
    if Z.shape[1] == 1:
        sign = np.where(idx == 1, 1.0, -1.0)
        loss = np.logaddexp(0, -sign * Z[:, 0])
    else:
        loss = logsumexp(Z, axis=1) - Z[np.arange(len(y)), idx]
    W = model.coef_
    return (sw @ loss) / sw.sum() + alpha * (
        l1_ratio * np.abs(W).sum() + 0.5 * (1 - l1_ratio) * np.sum(W**2)
    )


def _sklearn(X, y, alpha, l1_ratio, sw=None, tol=1e-13):
    n = X.shape[0] if sw is None else sw.sum()
    model = sklm.LogisticRegression(
        C=1.0 / (n * alpha),
        l1_ratio=l1_ratio,
        solver="saga",
        tol=tol,
        max_iter=200_000,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("sparse", [False, True])
def test_matches_sklearn_objective(n_classes, l1_ratio, sparse):
    X, y = _data(60, 15, n_classes, seed=n_classes, sparse=sparse)
    alpha = 0.02
    ours = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12).fit(X, y)
    theirs = _sklearn(X, y, alpha, l1_ratio)
    p_ours = _objective(ours, X, y, alpha, l1_ratio)
    p_theirs = _objective(theirs, X, y, alpha, l1_ratio)
    assert abs(p_ours - p_theirs) <= 1e-7 * p_theirs
    assert p_ours - p_theirs <= ours.dual_gap_ + 1e-14  # the gap certifies it
    assert ours.coef_.shape == (1 if n_classes == 2 else n_classes, 15)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_kkt_conditions(n_classes):
    X, y = _data(80, 30, n_classes, seed=7)
    alpha = 0.03
    model = LogisticRegression(alpha=alpha, tol=1e-12).fit(X, y)
    Z = X @ model.coef_.T + model.intercept_
    if n_classes == 2:
        U = (y == model.classes_[1]).astype(float)[:, None]
        P = 1 / (1 + np.exp(-Z))
    else:
        U = np.eye(n_classes)[y]
        P = softmax(Z, axis=1)
    G = X.T @ (U - P) / len(y)  # negative gradient, (p, rows)
    W = model.coef_.T
    on = W != 0
    assert np.abs(G[on] - alpha * np.sign(W[on])).max() < 1e-6
    assert np.abs(G[~on]).max() <= alpha * (1 + 1e-6)
    np.testing.assert_allclose((U - P).sum(axis=0), 0, atol=1e-9)  # intercepts


def test_sample_weights_equal_repetition_and_match_sklearn():
    X, y = _data(40, 8, 2, seed=3)
    sw = np.random.default_rng(0).integers(0, 3, size=40).astype(float)
    sw[:2] = 1.0
    model = LogisticRegression(alpha=0.01, tol=1e-12).fit(X, y, sample_weight=sw)
    idx = np.repeat(np.arange(40), sw.astype(int))
    rep = LogisticRegression(alpha=0.01, tol=1e-12).fit(X[idx], y[idx])
    np.testing.assert_allclose(model.coef_, rep.coef_, atol=1e-6)
    theirs = _sklearn(X, y, 0.01, 1.0, sw)
    assert _objective(model, X, y, 0.01, 1.0, sw) == pytest.approx(
        _objective(theirs, X, y, 0.01, 1.0, sw), rel=1e-7
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("class_weight", ["balanced", "dict"])
def test_class_weight_matches_sklearn_and_weighted_samples(n_classes, class_weight):
    """class_weight multiplies the sample weights: the same fit as those
    weights given directly, and scikit-learn's objective (its C on the
    combined weights' sum) at tight tolerance."""
    X, y = _data(70, 12, n_classes, seed=11 + n_classes)
    labels = np.array(["no", "yes", "maybe"])[y]
    sw = np.random.default_rng(1).uniform(0.5, 2.0, size=70)
    cw = {"no": 0.3, "yes": 4.0} if class_weight == "dict" else "balanced"
    alpha, l1_ratio = 0.02, 0.7
    model = LogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, class_weight=cw
    ).fit(X, labels, sample_weight=sw)
    # balanced: every class carries the same total sample weight
    totals = {c: sw[labels == c].sum() for c in model.classes_}
    per_class = (
        {c: cw.get(c, 1.0) for c in model.classes_}
        if isinstance(cw, dict)
        else {c: sw.sum() / (n_classes * totals[c]) for c in model.classes_}
    )
    combined = sw * np.array([per_class[c] for c in labels])
    direct = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12).fit(
        X, labels, sample_weight=combined
    )
    # The same weights up to rounding (computed in another order): the same
    # optimum within the two certified gaps (the coefficients to about
    # sqrt(2 gap / (alpha (1 - l1_ratio))) ~ 1e-5; in practice far closer).
    gaps = model.dual_gap_ + direct.dual_gap_
    assert (
        abs(
            _objective(model, X, labels, alpha, l1_ratio, combined)
            - _objective(direct, X, labels, alpha, l1_ratio, combined)
        )
        <= gaps + 1e-15
    )
    np.testing.assert_allclose(model.coef_, direct.coef_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.intercept_, direct.intercept_, atol=1e-7)
    # scikit-learn given the combined weights (its own 'balanced' weighs
    # by sample counts or by sample weights, depending on its version),
    # scaled to mean 1 (the same minimiser with C on their sum): its saga
    # steps do not converge with weights up to 8
    theirs = _sklearn(X, labels, alpha, l1_ratio, combined / combined.mean())
    p_ours = _objective(model, X, labels, alpha, l1_ratio, combined)
    p_theirs = _objective(theirs, X, labels, alpha, l1_ratio, combined)
    assert abs(p_ours - p_theirs) <= 1e-7 * p_theirs
    assert p_ours - p_theirs <= model.dual_gap_ + 1e-14


@pytest.mark.parametrize(
    "class_weight, error, match",
    [
        ({"cat": 2.0}, ValueError, "not classes of y"),
        ({0: "heavy"}, TypeError, "real numbers"),
        ({0: -1.0}, ValueError, "non-negative"),
        ({0: np.nan}, ValueError, "finite"),
        ({0: 0.0, 1: 0.0}, ValueError, "no sample with a positive weight"),
        ("uniform", ValueError, "class_weight must be"),
        ([1.0, 2.0], ValueError, "class_weight must be"),
    ],
)
def test_bad_class_weight(class_weight, error, match):
    X, y = _data(30, 4, 2, seed=2)
    with pytest.raises(error, match=match):
        LogisticRegression(class_weight=class_weight).fit(X, y)


def test_labels_of_any_type_and_probabilities():
    X, y = _data(50, 6, 3, seed=4)
    names = np.array(["cat", "dog", "eel"])[y]
    model = LogisticRegression(alpha=0.01).fit(X, names)
    assert list(model.classes_) == ["cat", "dog", "eel"]
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= set(model.classes_)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), proba)
    assert model.score(X, names) > 0.5


def test_plainly_binary_targets_are_what_sklearn_calls_binary():
    """The fast path past check_classification_targets takes only targets
    that scikit-learn's type_of_target calls "binary"; the others still go
    through it (continuous two-valued floats are refused as before)."""
    from sklearn.utils.multiclass import type_of_target

    from shrinkage._validation import _plainly_binary

    cases = [
        np.array([0, 1, 1, 0]),
        np.array([True, False, True]),
        np.array([-3, 7, 7], dtype=np.int8),
        np.array([2, 5], dtype=np.uint64),
        np.array([0.0, 1.0, 1.0]),
        np.array([-1.0, 1.0], dtype=np.float32),
        np.array([1e15, -1e15]),
        np.array([2.0**60, 0.0]),  # integral, but past the exact cast
        np.array([0.5, 1.5]),  # continuous
        np.array([0.0, 1.0, 2.0]),  # three classes
        np.array([1.0, 1.0]),  # one class
        np.array(["a", "b"]),
        np.array([0, 1], dtype=object),
        np.array([[0], [1]]),
    ]
    taken = 0
    for y in cases:
        if _plainly_binary(y, np.unique(y)):
            taken += 1
            assert type_of_target(y) == "binary", y
    assert taken == 7
    X = np.random.default_rng(0).standard_normal((4, 2))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        LogisticRegression().fit(X, np.array([0.5, 1.5, 0.5, 1.5]))
    # scikit-learn's message, not np.unique's TypeError on mixed objects
    with pytest.raises(ValueError, match="Unknown label type: unknown"):
        LogisticRegression().fit(X, np.array([None, 1, None, 1], dtype=object))


def test_float32_and_strong_penalty():
    X, y = _data(50, 10, 2, seed=5)
    m32 = LogisticRegression(alpha=0.01, tol=1e-6).fit(X.astype(np.float32), y)
    assert m32.coef_.dtype == np.float32
    m64 = LogisticRegression(alpha=0.01, tol=1e-10).fit(X, y)
    assert _objective(m32, X, y, 0.01, 1.0) == pytest.approx(
        _objective(m64, X, y, 0.01, 1.0), rel=1e-4
    )
    big = LogisticRegression(alpha=10.0).fit(X, y)
    assert np.all(big.coef_ == 0)
    assert big.predict_proba(X)[0, 1] == pytest.approx(np.mean(y == 1))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_gap_stuck_at_rounding_ends_the_fit(n_classes):
    """A tol below what float64 resolves: once its steps leave P within
    rounding and the gap stops falling, the fit stops (well before
    max_iter) with a warning that says so, at the objective a reachable tol
    gives."""
    X, y = _data(80, 50, n_classes, seed=3)
    with pytest.warns(ConvergenceWarning, match="without progress"):
        stuck = LogisticRegression(alpha=1e-3, tol=1e-17, max_iter=300).fit(X, y)
    assert stuck.n_iter_ < 60
    reached = LogisticRegression(alpha=1e-3, tol=1e-10).fit(X, y)
    # it stopped at the floor: as certified as the reachable tol asks
    assert stuck.dual_gap_ <= 1e-10 * np.log(2)
    p_stuck = _objective(stuck, X, y, 1e-3, 1.0)
    p_reached = _objective(reached, X, y, 1e-3, 1.0)
    assert p_stuck <= p_reached + 1e-14 * p_reached


def _text_like(seed: int):
    """Word-count-like CSC X (Zipf column frequencies) with labels from a few
    of its columns: nearly separable, as text classes often are."""
    rng = np.random.default_rng(seed)
    n, p = 300, 600
    freq = 0.3 / np.arange(1, p + 1) ** 0.7
    X = (rng.random((n, p)) < freq) * rng.integers(1, 4, (n, p)).astype(float)
    w = np.zeros(p)
    w[rng.choice(60, 15, replace=False)] = 3 * rng.standard_normal(15)
    score = X @ w + 0.3 * rng.standard_normal(n)
    return sp.csc_matrix(X), (score > np.median(score)).astype(int)


def _kkt_violation(model, X, y, alpha):
    """Largest violation of the L1 logistic optimality conditions, relative
    to alpha, computed in NumPy from the fitted coefficients."""
    w = model.coef_.ravel()
    g = X.T @ (expit(X @ w + model.intercept_[0]) - y) / X.shape[0]
    on = w != 0
    return (
        max(
            np.max(np.abs(g[on] + alpha * np.sign(w[on])), initial=0.0),
            np.max(np.abs(g[~on]) - alpha, initial=0.0),
        )
        / alpha
    )


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_support_steps_finish_fits_that_descent_leaves_slow(monkeypatch, fit_intercept):
    """Nearly separable text-like data at alpha_max / 100: the Newton model
    is ill-conditioned on the support and the core's steps shrink the gap by
    a few % each. Newton steps on the support (``_binary_support_steps``)
    finish the fit; without them 100 steps leave it unconverged."""
    from shrinkage import _logistic

    X, y = _text_like(seed=1)
    alpha = np.max(np.abs(X.T @ (y - 0.5))) / X.shape[0] / 100
    kw = dict(alpha=alpha, tol=1e-10, max_iter=100, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fast = LogisticRegression(**kw).fit(X, y)
    assert fast.n_iter_ <= 30
    assert fast.dual_gap_ <= 1e-10 * np.log(2)
    assert _kkt_violation(fast, X, y, alpha) <= 1e-9

    monkeypatch.setattr(_logistic, "_SLOW_STEPS", 0)  # the core alone
    with pytest.warns(ConvergenceWarning, match="max_iter=100"):
        slow = LogisticRegression(**kw).fit(X, y)
    assert _kkt_violation(slow, X, y, alpha) > 1e-8
    assert _objective(fast, X, y, alpha, 1.0) <= _objective(slow, X, y, alpha, 1.0)


def test_support_steps_are_newton_steps_on_the_signs_face():
    """From the optimum's support and signs, perturbed, the steps reach the
    optimal objective with the support's optimality conditions met to
    rounding (quadratic convergence: a mis-scaled Hessian would not get
    there in their few steps); an entry off the optimal support, started
    with the sign it should not keep, is cut at zero and leaves. (Text
    columns repeat, so the optimal coefficients need not be unique: the
    objective and the conditions are compared, not the coefficients.)"""
    from types import SimpleNamespace

    from shrinkage._logistic import _binary_support_steps

    X, y = _text_like(seed=1)
    n = X.shape[0]
    alpha = np.max(np.abs(X.T @ (y - 0.5))) / n / 100
    exact = LogisticRegression(alpha=alpha, tol=1e-13).fit(X, y)
    w_opt, b_opt = exact.coef_.ravel(), exact.intercept_[0]
    p_opt = _objective(exact, X, y, alpha, 1.0)
    pb = SimpleNamespace(
        positive=False, sw=np.ones(n), total=float(n), l1=alpha, l2=0.0,
        fit_intercept=True,
    )  # fmt: skip

    def check(w, b):
        model = SimpleNamespace(
            coef_=w[None, :], intercept_=np.array([b]), classes_=np.array([0, 1])
        )
        assert _objective(model, X, y, alpha, 1.0) <= p_opt * (1 + 1e-13)
        g = X.T @ (expit(X @ w + b) - y) / n
        on = w != 0
        assert np.max(np.abs(g[on] + alpha * np.sign(w[on]))) <= 1e-10 * alpha
        assert abs(np.sum(expit(X @ w + b) - y)) <= 1e-10  # the intercept's

    w = w_opt * 1.05
    moved, b = _binary_support_steps(pb, X, w, b_opt + 0.1, y.astype(float), pb.sw / n)
    assert moved
    np.testing.assert_array_equal(w != 0, w_opt != 0)
    check(w, b)

    g = X.T @ (expit(X @ w_opt + b_opt) - y) / n
    off = np.flatnonzero(w_opt == 0)
    j = off[np.argmax(np.abs(g[off]))]  # the zero closest to entering
    w = w_opt.copy()
    w[j] = 0.01 * np.sign(g[j])  # against its gradient: the step crosses 0
    moved, b = _binary_support_steps(pb, X, w, b_opt, y.astype(float), pb.sw / n)
    assert moved and w[j] == 0.0
    check(w, b)


def test_convergence_warning_and_one_class_error():
    X, y = _data(40, 30, 3, seed=6)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        LogisticRegression(alpha=1e-4, tol=1e-14, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="class"):
        LogisticRegression().fit(X, np.zeros(40))


# --------------------------------------------------- Gap Safe screening, solver


def _alpha_max(X, y, sw=None, fit_intercept=True):
    from shrinkage._logistic_cv import _logistic_alpha_max

    return _logistic_alpha_max(X, y, len(np.unique(y)), sw, 1.0, fit_intercept)


def _dual_point(X, y, coef, intercept, sw):
    """U - P, the unscaled correlations V = X^T (sw (U - P)) / S (rows x p),
    U and P with one column per coefficient row."""
    S = sw.sum()
    Z = X @ coef.T + intercept
    if coef.shape[0] == 1:
        U = (y == 1).astype(float)[:, None]
        P = 1 / (1 + np.exp(-Z))
    else:
        U = np.eye(coef.shape[0])[y]
        P = softmax(Z, axis=1)
    return U, P, (X.T @ (sw[:, None] * (U - P)) / S).T


def _entropy(U, P, s, sw, binary):
    """1/S sum_i sw_i f_i*(-theta_i) at theta = s (U - P) (negative entropy)."""
    Q = U - s * (U - P)
    if binary:
        Q = np.column_stack([Q[:, 0], 1 - Q[:, 0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(Q > 0, Q * np.log(Q), 0.0)
    return sw @ terms.sum(axis=1) / sw.sum()


def _as_model(sol, n_classes):
    """A fitted-model stand-in for :func:`_objective`."""
    model = type("Model", (), {})()
    model.coef_, model.intercept_ = sol.coef, sol.intercept
    model.classes_ = np.arange(n_classes)
    return model


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_safe_screening_fires_and_is_safe(n_classes, l1_ratio):
    # A wide problem at alpha_max / 2: most entries are zero, and screening
    # must certify them, never one that is non-zero at the optimum.
    X, y = _data(50, 300, n_classes, seed=11)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, size=50)
    alpha = _alpha_max(X, y, sw) / 2 / l1_ratio
    screened = solve_logistic_problem(X, y, alpha, l1_ratio, sw, tol=1e-10)
    plain = solve_logistic_problem(
        X, y, alpha, l1_ratio, sw, tol=1e-13, screening=False
    )
    assert plain.screened is not None and not plain.screened.any()
    mask = screened.screened
    assert mask.shape == screened.coef.shape
    assert mask.mean() > 0.8  # fires
    # certified entries are zero at the tight unscreened optimum, and the
    # certificate is nearly complete there (the gap, hence radius, is tiny)
    assert np.all(plain.coef[mask] == 0)
    assert mask.sum() >= 0.95 * np.sum(plain.coef == 0)
    # the same problem without screening: same objective
    values = [
        _objective(_as_model(sol, n_classes), X, y, alpha, l1_ratio, sw)
        for sol in (screened, plain)
    ]
    assert abs(values[0] - values[1]) <= 1e-10 * values[1]
    # and scikit-learn's (tight) optimum is zero on the certified entries
    theirs = _sklearn(X, y, alpha, l1_ratio, sw)
    assert np.abs(theirs.coef_[mask]).max() <= 1e-8
    assert _objective(theirs, X, y, alpha, l1_ratio, sw) == pytest.approx(
        values[0], rel=1e-7
    )


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_gap_safe_radius_contains_the_dual_optimum(n_classes, fit_intercept):
    # The sphere behind the rule, checked directly at early iterates: with
    # theta = s (U - P) and its gap G, every entry of the optimal v^ lies
    # within sqrt(c L_j G) of s v (c = 1/2 binary, (K-1)/K multinomial;
    # L_j the centred squared norm with an intercept, else the plain one).
    X, y = _data(40, 60, n_classes, seed=5)
    sw = np.random.default_rng(2).uniform(0.5, 2.0, size=40)
    S = sw.sum()
    alpha = _alpha_max(X, y, sw, fit_intercept) / 5
    kw = dict(fit_intercept=fit_intercept, screening=False)
    best = solve_logistic_problem(X, y, alpha, 1.0, sw, tol=1e-14, **kw)
    v_opt = _dual_point(X, y, best.coef, best.intercept, sw)[2]
    xbar = sw @ X / S if fit_intercept else np.zeros(X.shape[1])
    L = sw @ (X - xbar) ** 2 / S
    c = 0.5 if n_classes == 2 else (n_classes - 1) / n_classes
    ratios = []
    for max_iter in (1, 2, 3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sol = solve_logistic_problem(
                X, y, alpha, 1.0, sw, tol=1e-14, max_iter=max_iter, **kw
            )
        U, P, V = _dual_point(X, y, sol.coef, sol.intercept, sw)
        s = min(1.0, alpha / np.abs(V).max())
        # the reported gap is the one of this very dual point
        primal = _objective(_as_model(sol, n_classes), X, y, alpha, 1.0, sw)
        gap = primal + _entropy(U, P, s, sw, n_classes == 2)
        assert sol.dual_gap == pytest.approx(gap, rel=1e-9, abs=1e-13)
        assert gap > 1e-6
        ratios.append(np.max(np.abs(v_opt - s * V) / np.sqrt(c * L * gap)))
    assert max(ratios) <= 1.0


def test_dual_gap_is_the_full_problems_after_screening():
    # Screening drops columns from the working matrix; the reported gap must
    # still be the duality gap of the full problem (all features).
    X, y = _data(60, 400, 2, seed=8)
    alpha = _alpha_max(X, y) / 1.5
    model = LogisticRegression(alpha=alpha, tol=1e-8).fit(X, y)
    sol = solve_logistic_problem(X, y, alpha, tol=1e-8)
    assert sol.screened.mean() > 0.9
    np.testing.assert_array_equal(model.coef_, sol.coef)
    sw = np.ones(60)
    U, P, V = _dual_point(X, y, model.coef_, model.intercept_, sw)
    s = min(1.0, alpha / np.abs(V).max())
    gap = _objective(model, X, y, alpha, 1.0) + _entropy(U, P, s, sw, True)
    assert model.dual_gap_ == pytest.approx(gap, rel=1e-9, abs=1e-15)
    assert 0 <= model.dual_gap_ <= 1e-8 * np.log(2)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
def test_working_sets_match_sklearn_on_a_wide_problem(n_classes, sparse):
    # 150 columns: the Newton steps run on working sets of 32 to 66 of them
    X, y = _data(40, 150, n_classes, seed=21, sparse=sparse)
    alpha = _alpha_max(X, y) / 4
    ours = LogisticRegression(alpha=alpha, tol=1e-12).fit(X, y)
    theirs = _sklearn(X, y, alpha, 1.0, tol=1e-10)
    p_ours = _objective(ours, X, y, alpha, 1.0)
    p_theirs = _objective(theirs, X, y, alpha, 1.0)
    assert abs(p_ours - p_theirs) <= 1e-7 * p_theirs
    assert p_ours - p_theirs <= ours.dual_gap_ + 1e-14


def test_multinomial_converges_in_few_newton_steps():
    # The class rows are coupled (digits: ten classes, correlated pixels):
    # one Newton step per class converged linearly (~50 sweeps to 1e-10);
    # the joint model keeps proximal Newton's fast local convergence.
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    alpha = _alpha_max(X, y) / 10
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(alpha=alpha, tol=1e-10).fit(X, y)
    assert model.n_iter_ <= 12
    assert model.dual_gap_ <= 1e-10 * np.log(10)
    # Smaller alphas. At alpha_max/6 the first loose model step over-shoots
    # the support; support steps cut at a zero then dropped one entry each
    # (39 Newton steps). At alpha_max/300 the support (~240 entries) was
    # too large for the direct solve's cost rule, and the model sweeps
    # alone converged linearly (no convergence in 100 steps).
    for fraction in (1 / 6, 1 / 300):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model = LogisticRegression(
                alpha=_alpha_max(X, y) * fraction, tol=1e-10
            ).fit(X, y)
        assert model.n_iter_ <= 15
        assert model.dual_gap_ <= 1e-10 * np.log(10)
    # a coupled small problem at the rounding floor of the gap
    X, y = _data(60, 12, 3, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(alpha=0.034, tol=1e-13).fit(X, y)
    assert model.n_iter_ <= 12


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_proportional_columns_converge(n_classes, sparse, fit_intercept):
    # Column p is 1.01 x column 0 (and p + 1 is 1.003 x column 2). The loss
    # only sees w_0 + 1.01 w_p, and the L1 norm of a given product is least
    # with all of it on the larger copy: w_0 = 0 at every optimum. The
    # solve on a support holding both copies is singular; it used to drop
    # that flat direction and stall with a duality gap stuck near 1e-3
    # (found on rcv1, where two one-entry columns are proportional).
    rng = np.random.default_rng(0)
    n, p = 40, 20
    X = rng.standard_normal((n, p))
    X = np.hstack([X, 1.01 * X[:, :1], 1.003 * X[:, 2:3]])
    scores = X[:, :4] @ [2.0, -1.0, 1.0, 1.0] + 0.5 * rng.standard_normal(n)
    y = np.digitize(scores, np.quantile(scores, np.linspace(0, 1, n_classes + 1)[1:-1]))
    if sparse:
        X = sp.csc_matrix(X)
    alpha = 0.05 * _alpha_max(X, y, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(
            alpha=alpha, tol=1e-10, max_iter=100, fit_intercept=fit_intercept
        ).fit(X, y)
    assert model.dual_gap_ <= 1e-10 * np.log(n_classes)
    assert model.n_iter_ <= 30
    coef = model.coef_
    # the smaller copies carry nothing, the larger ones the product
    assert np.all(coef[:, 0] == 0) and np.all(coef[:, 2] == 0)
    assert np.any(coef[:, p] != 0) and np.any(coef[:, p + 1] != 0)
    reference = _sklearn(X, y, alpha, 1.0) if fit_intercept else None
    if reference is not None:
        ours = _objective(model, X, y, alpha, 1.0)
        theirs = _objective(reference, X, y, alpha, 1.0)
        assert ours <= theirs + 1e-9


def test_pure_l2_multinomial_tiny_problem_certified():
    # Found by hypothesis (tests/test_properties.py): three classes, one
    # feature, pure L2 with intercepts. The flat direction of the support
    # solve (a common shift of the intercepts) carries no penalty slope
    # without an L1 term; stepping along its rounding noise gave a negative
    # duality gap (-7e-3).
    X = np.array([[0.47301337], [1.0], [0.63468846], [0.19771819]])
    y = np.array([0, 1, 2, 0])
    model = LogisticRegression(alpha=0.1, l1_ratio=0.0, tol=1e-8).fit(X, y)
    assert 0.0 <= model.dual_gap_ <= 1e-8 * np.log(3)
    theirs = _sklearn(X, y, 0.1, 0.0)
    ours_p = _objective(model, X, y, 0.1, 0.0)
    assert ours_p <= _objective(theirs, X, y, 0.1, 0.0) + 1e-12


def test_blas_threads_restored_after_threaded_cv():
    # The solver runs with one BLAS thread; concurrent fits (CV folds in
    # threads) must leave the process-wide limit as they found it.
    from threadpoolctl import threadpool_info

    from shrinkage import LogisticRegressionCV

    before = [(i["prefix"], i["num_threads"]) for i in threadpool_info()]
    X, y = _data(80, 10, 3, seed=1)
    LogisticRegressionCV(alphas=5, cv=4, n_jobs=4).fit(X, y)
    after = [(i["prefix"], i["num_threads"]) for i in threadpool_info()]
    assert after == before


@pytest.mark.parametrize("n_classes", [2, 3])
def test_pure_l2_on_a_wide_problem_with_a_loose_first_gap(n_classes):
    # A small L2 penalty and many columns: at W = 0 the Fenchel dual is very
    # loose (gap ~ ||grad||^2 / (2 l2) >> the objective). The inner accuracy
    # must follow the objective then, or the first model is "solved" at
    # zero and the fit stalls. tol is relative to the null loss (log K, here
    # over 100 times the objective): 1e-12 certifies 1e-9 of the objective.
    X, y = _data(30, 300, n_classes, seed=4)
    alpha = 2e-3
    ours = LogisticRegression(alpha=alpha, l1_ratio=0.0, tol=1e-12).fit(X, y)
    theirs = sklm.LogisticRegression(
        C=1.0 / (30 * alpha), l1_ratio=0.0, tol=1e-12, max_iter=10_000
    ).fit(X, y)
    p_ours = _objective(ours, X, y, alpha, 0.0)
    p_theirs = _objective(theirs, X, y, alpha, 0.0)
    assert p_ours - p_theirs <= 1e-9 * p_theirs
    assert ours.dual_gap_ <= 1e-12 * np.log(n_classes)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nonfinite_X_is_rejected_from_the_statistics_pass(bad, sparse, dtype):
    # fit checks X's values from its column statistics' pass (not a pass of
    # its own): every non-finite entry must still be named
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4)).astype(dtype)
    y = np.arange(20) % 2
    for i, j in [(0, 0), (7, 2), (19, 3)]:
        Xb = X.copy()
        Xb[i, j] = bad
        Xb = sp.csc_matrix(Xb) if sparse else Xb
        what = "NaN" if np.isnan(bad) else "infinity"
        with pytest.raises(ValueError, match=f"Input X contains {what}"):
            LogisticRegression(alpha=0.01).fit(Xb, y)


def test_magnitude_check_falls_back_to_the_exact_pass():
    # The statistics' bound on max |x| can exceed the largest usable
    # magnitude while every value is below it: the exact pass then decides
    # (the fit runs: alpha far above alpha_max, so that it converges at
    # once on such values); values beyond it are rejected by name.
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    n = 4000
    limit = float(np.sqrt(np.finfo(np.float32).max / (4.0 * n)))
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.uniform(0.5, 1.0, (n, 3)) * 0.5 * limit, np.float32)
    y = np.arange(n) % 2
    assert design_stats(as_design(X), None, True, summary=True)[2][1] > limit
    model = LogisticRegression(alpha=1e30).fit(X, y)
    assert np.all(model.coef_ == 0) and model.dual_gap_ <= model.tol
    with pytest.raises(ValueError, match="X has values as large as"):
        LogisticRegression(alpha=1e-3).fit(X * np.float32(4.0), y)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_warm_start_on_data_with_an_empty_and_a_constant_column(
    n_classes, l1_ratio, fit_intercept
):
    # A warm start carried over to data where a column is empty (and, with an
    # intercept, one is constant) starts with coefficients the loss does not
    # see: only the penalty decides them, and 0 is its minimum. (The binary
    # solver used to skip such columns, so a ridge fit stalled at max_iter.)
    from shrinkage.reference import logistic_objective

    rng = np.random.default_rng(3)
    X = rng.standard_normal((60, 8))
    y = rng.integers(0, n_classes, 60)
    y[:n_classes] = np.arange(n_classes)
    X2 = X.copy()
    X2[:, 2] = 0.0
    X2[:, 5] = 3.0
    params = dict(alpha=1e-3, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-10)
    warm = LogisticRegression(warm_start=True, **params).fit(X, y)
    assert np.any(warm.coef_[:, 2] != 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warm.fit(X2, y)
    cold = LogisticRegression(**params).fit(X2, y)
    assert np.all(warm.coef_[:, 2] == 0)
    if fit_intercept:
        assert np.all(warm.coef_[:, 5] == 0)
    P_warm, P_cold = (
        logistic_objective(X2, y, m.coef_, m.intercept_, alpha=1e-3, l1_ratio=l1_ratio)
        for m in (warm, cold)
    )
    assert P_warm == pytest.approx(P_cold, rel=1e-9)
