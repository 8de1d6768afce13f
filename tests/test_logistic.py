"""LogisticRegression against scikit-learn, optimality conditions and the gap."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from scipy.special import logsumexp, softmax
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


def _sklearn(X, y, alpha, l1_ratio, sw=None):
    n = X.shape[0] if sw is None else sw.sum()
    model = sklm.LogisticRegression(
        C=1.0 / (n * alpha),
        l1_ratio=l1_ratio,
        solver="saga",
        tol=1e-13,
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


def test_convergence_warning_and_one_class_error():
    X, y = _data(40, 30, 3, seed=6)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        LogisticRegression(alpha=1e-4, tol=1e-14, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="class"):
        LogisticRegression().fit(X, np.zeros(40))
