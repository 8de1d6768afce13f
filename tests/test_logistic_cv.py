"""logistic_path and LogisticRegressionCV."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold

from shrinkage import LogisticRegression, LogisticRegressionCV, logistic_path


def _data(n, p, k, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = rng.standard_normal((k, p)) * (rng.random((k, p)) < 0.3)
    return X, np.argmax(X @ W.T + rng.gumbel(size=(n, k)), axis=1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_path_alpha_max_and_points_match_single_fits(n_classes):
    X, y = _data(60, 12, n_classes, seed=n_classes)
    alphas, coefs, intercepts, gaps = logistic_path(X, y, n_alphas=8, tol=1e-10)
    rows = 1 if n_classes == 2 else n_classes
    assert coefs.shape == (8, rows, 12) and intercepts.shape == (8, rows)
    assert np.all(coefs[0] == 0) and np.any(coefs[1] != 0)
    # just above alpha_max nothing enters; just below, something does
    above = LogisticRegression(alpha=alphas[0] * 1.001, tol=1e-10).fit(X, y)
    below = LogisticRegression(alpha=alphas[0] * 0.99, tol=1e-10).fit(X, y)
    assert np.all(above.coef_ == 0) and np.any(below.coef_ != 0)
    for k in (2, 5, 7):
        single = LogisticRegression(alpha=alphas[k], tol=1e-12).fit(X, y)
        np.testing.assert_allclose(coefs[k], single.coef_, atol=1e-5)
        assert gaps[k] <= 1e-10 * np.log(n_classes) * 2


def test_cv_selects_best_mean_score_and_is_deterministic_across_n_jobs():
    X, y = _data(90, 10, 3, seed=4)
    cv = StratifiedKFold(3)
    one = LogisticRegressionCV(alphas=12, cv=cv, n_jobs=1).fit(X, y)
    two = LogisticRegressionCV(alphas=12, cv=cv, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.scores_, two.scores_)
    assert one.alpha_ == one.alphas_[np.argmax(one.scores_.mean(axis=1))]
    assert one.alpha_1se_ >= one.alpha_
    # the held-out score of fold 0 at alpha_ equals a refit scored by sklearn
    train, test = next(cv.split(X, y))
    k = int(np.argmax(one.scores_.mean(axis=1)))
    refit = LogisticRegression(alpha=one.alpha_).fit(X[train], y[train])
    expected = -log_loss(y[test], refit.predict_proba(X[test]), labels=[0, 1, 2])
    assert one.scores_[k, 0] == pytest.approx(expected, rel=1e-3)
    acc = LogisticRegressionCV(alphas=6, cv=cv, scoring="accuracy").fit(X, y)
    assert np.all((acc.scores_ >= 0) & (acc.scores_ <= 1))
    assert acc.score(X, y) > 0.5


@pytest.mark.parametrize("n_classes", [2, 3])
def test_wide_path_with_screening_matches_unscreened_fits(n_classes):
    # 300 columns, most certified zero along the path (Gap Safe screening and
    # working sets active at every point): same objectives as tight fits
    # without screening.
    from shrinkage._logistic import solve_logistic
    from shrinkage._validation import as_design

    X, y = _data(50, 300, n_classes, seed=7)
    alphas, coefs, intercepts, gaps = logistic_path(X, y, n_alphas=6, tol=1e-10)
    X = np.asfortranarray(X)
    for k in range(1, 6):
        plain = solve_logistic(
            as_design(X),
            X,
            y,
            n_classes,
            None,
            l1=alphas[k],
            l2=0.0,
            fit_intercept=True,
            max_iter=100,
            tol=1e-13,
            screening=False,
        )
        values = []
        for W, b in ((coefs[k], intercepts[k]), (plain.coef, plain.intercept)):
            Z = X @ W.T + b
            if n_classes == 2:
                loss = np.logaddexp(0, -np.where(y == 1, 1, -1) * Z[:, 0])
            else:
                loss = logsumexp(Z, axis=1) - Z[np.arange(50), y]
            values.append(loss.mean() + alphas[k] * np.abs(W).sum())
        assert values[0] - values[1] <= gaps[k] + 1e-14
        assert abs(values[0] - values[1]) <= 1e-9 * values[1]


def test_class_weight_weighs_the_fits_not_the_held_out_scores():
    """class_weight multiplies the sample weights of every fit (the grid,
    the folds' paths, the final fit); the held-out log-loss stays
    unweighted, as in scikit-learn's LogisticRegressionCV."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((90, 8))
    y = (X[:, 0] + 0.5 * rng.standard_normal(90) > 0.8).astype(int)  # imbalanced
    cv = StratifiedKFold(3)
    kw = dict(alphas=6, cv=cv, tol=1e-10)
    model = LogisticRegressionCV(class_weight="balanced", **kw).fit(X, y)
    counts = np.bincount(y)
    combined = (90 / (2 * counts))[y]
    by_weight = LogisticRegressionCV(**kw).fit(X, y, sample_weight=combined)
    np.testing.assert_allclose(model.alphas_, by_weight.alphas_, rtol=1e-12)
    # one fold, one alpha, by hand: the fit weighted, the score not
    train, test = next(iter(cv.split(X, y)))
    k = 3
    fold_fit = LogisticRegression(alpha=model.alphas_[k], tol=1e-12).fit(
        X[train], y[train], sample_weight=combined[train]
    )
    expected = -log_loss(y[test], fold_fit.predict_proba(X[test]))
    assert model.scores_[k, 0] == pytest.approx(expected, abs=1e-6)
    final = LogisticRegression(
        alpha=model.alpha_, tol=1e-10, class_weight="balanced"
    ).fit(X, y)
    # the same weights, computed the same way: the same fit
    np.testing.assert_allclose(model.coef_, final.coef_, rtol=1e-9, atol=1e-12)
    # unit class weights change nothing
    ones = LogisticRegressionCV(class_weight={0: 1.0, 1: 1.0}, **kw).fit(X, y)
    plain = LogisticRegressionCV(**kw).fit(X, y)
    np.testing.assert_array_equal(ones.scores_, plain.scores_)
    np.testing.assert_array_equal(ones.coef_, plain.coef_)


def test_secant_start_is_the_line_through_the_last_two_solutions():
    from shrinkage._logistic_cv import _secant_start

    grid = np.array([4.0, 2.0, 1.0, 1.0])
    c0, c1 = np.array([[0.0, 1.0]]), np.array([[1.0, 3.0]])
    b0, b1 = np.array([0.5]), np.array([0.25])
    points = [(grid[0], c0, b0), (grid[1], c1, b1)]
    coef, intercept = _secant_start(grid[2], points)
    # t = (1 - 2) / (2 - 4) = 1/2 of the last step, continued
    np.testing.assert_allclose(coef, [[1.5, 4.0]])
    np.testing.assert_allclose(intercept, [0.125])
    assert _secant_start(grid[2], points[1:]) is None  # one solution only
    later = [(grid[1], c0, b0), (grid[2], c1, b1)]
    assert _secant_start(grid[3], later) is None  # no decrease


@pytest.mark.parametrize("n_classes", [2, 3])
def test_secant_starts_keep_the_path_and_save_newton_steps(n_classes, monkeypatch):
    # The same points as with plain warm starts (each within its true gap,
    # from the NumPy reference objective), in fewer proximal Newton steps.
    from shrinkage import _logistic_cv
    from shrinkage._validation import as_design
    from shrinkage.reference import logistic_objective

    X, y = _data(400, 30, n_classes, seed=7)
    y_enc = np.unique(y, return_inverse=True)[1]
    grid = _logistic_cv._grid(X, y_enc, n_classes, None, None, 30, 1e-2, 1.0, True)
    options = dict(
        l1_ratio=1.0, fit_intercept=True, tol=1e-8, max_iter=100, max_epochs=1000
    )
    args = (as_design(X), X, y_enc, n_classes, None, grid)
    on = _logistic_cv._fit_path(*args, **options)
    monkeypatch.setattr(_logistic_cv, "_SECANT", False)
    off = _logistic_cv._fit_path(*args, **options)
    assert on[3].sum() < off[3].sum()
    for k in range(grid.size):
        objectives = []
        for coefs, intercepts, _, _ in (on, off):
            coef = coefs[k][0] if n_classes == 2 else coefs[k]
            b = intercepts[k][0] if n_classes == 2 else intercepts[k]
            objectives.append(logistic_objective(X, y, coef, b, alpha=grid[k]))
        assert abs(objectives[0] - objectives[1]) <= on[2][k] + off[2][k] + 1e-12
