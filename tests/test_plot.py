"""Plots render headlessly and show what they claim."""

from __future__ import annotations

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from _helpers import make_regression  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402

from shrinkage import ElasticNetCV, LassoCV, enet_path, lasso_path  # noqa: E402
from shrinkage.plot import plot_cv, plot_path  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def path_data():
    X, y = make_regression(40, 15, seed=1)
    alphas, coefs, _ = lasso_path(X, y, n_alphas=20, eps=0.02, fit_intercept=True)
    return X, y, alphas, coefs


@pytest.fixture(scope="module")
def lasso_cv():
    X, y = make_regression(60, 10, seed=2)
    return LassoCV(cv=3, n_alphas=12).fit(X, y)


def _top_axis(ax):
    (top,) = ax.child_axes
    return top


def _vertical_lines(ax):
    return [
        ln
        for ln in ax.get_lines()
        if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]
    ]


def test_plot_path_one_line_per_active_feature(path_data):
    _, _, alphas, coefs = path_data
    ax = plot_path(*(alphas, coefs))
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    assert 0 < active.size < coefs.shape[0]  # some stay at zero: not drawn
    lines = ax.get_lines()
    assert len(lines) == active.size
    for ln, j in zip(lines, active, strict=True):
        np.testing.assert_array_equal(ln.get_xdata(), alphas)
        np.testing.assert_array_equal(ln.get_ydata(), coefs[j])
    assert ax.get_xscale() == "log"
    left, right = ax.get_xlim()
    assert left == alphas.max() and right == alphas.min()  # largest alpha left


def test_plot_path_top_axis_counts_non_zeros(path_data):
    _, _, alphas, coefs = path_data
    ax = plot_path(alphas, coefs)
    top = _top_axis(ax)
    ax.figure.canvas.draw()
    ticks = top.get_xticks()
    labels = [int(t.get_text()) for t in top.get_xticklabels()]
    assert len(ticks) == len(labels) >= 3
    nnz = np.count_nonzero(coefs, axis=0)
    for x, label in zip(ticks, labels, strict=True):
        (k,) = np.flatnonzero(alphas == x)  # every tick sits on a grid alpha
        assert label == nnz[k]
    assert labels[0] == 0 and labels[-1] == nnz[-1] > 0
    assert top.get_xlabel() == "non-zero coefficients"


def test_plot_path_accepts_lasso_path_tuple_and_highlights(path_data):
    X, y, alphas, coefs = path_data
    names = [f"f{j}" for j in range(X.shape[1])]
    ax = plot_path(
        *lasso_path(X, y, n_alphas=20, eps=0.02, fit_intercept=True)[:2],
        feature_names=names,
        highlight=3,
        title="path",
    )
    end = np.abs(coefs[:, -1])
    top3 = {f"f{j}" for j in np.argsort(-end)[:3]}
    assert {t.get_text() for t in ax.texts} == top3
    assert ax.get_title() == "path"
    ax = plot_path(alphas, coefs, highlight=[0, 2], log_alpha=False)
    assert {t.get_text() for t in ax.texts} == {"x0", "x2"}
    assert ax.get_xscale() == "linear"
    assert len(ax.get_lines()) == np.any(coefs != 0, axis=1).sum()


def test_plot_path_rejects_bad_input(path_data):
    _, _, alphas, coefs = path_data
    with pytest.raises(ValueError, match="coefs"):
        plot_path(np.ones(3), np.ones((2, 4)))
    with pytest.raises(ValueError, match="log_alpha=False"):
        plot_path(np.array([1.0, 0.0]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="feature_names"):
        plot_path(alphas, coefs, feature_names=["a"])
    with pytest.raises(TypeError, match="highlight"):
        plot_path(alphas, coefs, highlight=[0.5])


def test_plot_cv_error_bars_and_chosen_alphas(lasso_cv):
    model = lasso_cv
    ax = plot_cv(model, title="cv")
    (container,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    xs, ys = container.lines[0].get_data()
    assert len(xs) == len(model.alphas_)
    np.testing.assert_array_equal(xs, model.alphas_)
    np.testing.assert_allclose(ys, model.mse_path_.mean(axis=1), rtol=1e-12)
    # The bars are +- one standard error over folds.
    (bars,) = container.lines[2]
    segments = bars.get_segments()
    half = np.array([(s[1, 1] - s[0, 1]) / 2 for s in segments])
    se = model.mse_path_.std(axis=1, ddof=1) / np.sqrt(model.mse_path_.shape[1])
    np.testing.assert_allclose(half, se, rtol=1e-9)
    vertical = sorted(ln.get_xdata()[0] for ln in _vertical_lines(ax))
    assert vertical == sorted([model.alpha_, model.alpha_1se_])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("alpha_ =") for t in legend)
    assert any(t.startswith("alpha_1se_ =") for t in legend)
    assert ax.get_title() == "cv"


def test_estimator_plot_method_and_folds(lasso_cv):
    ax = lasso_cv.plot()
    assert ax.containers
    ax = lasso_cv.plot(show_folds=True)
    n_folds = lasso_cv.mse_path_.shape[1]
    means = ax.containers[0].lines[0]
    folds = [
        ln
        for ln in ax.get_lines()
        if len(ln.get_xdata()) == lasso_cv.alphas_.size and ln is not means
    ]
    assert len(folds) == n_folds
    for f, ln in enumerate(folds):
        np.testing.assert_array_equal(ln.get_ydata(), lasso_cv.mse_path_[:, f])


def test_elastic_net_cv_with_two_l1_ratios():
    X, y = make_regression(50, 8, seed=3)
    model = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=8).fit(X, y)
    assert model.mse_path_.ndim == 3
    i = [0.5, 1.0].index(model.l1_ratio_)
    ax = model.plot()
    xs, ys = ax.containers[0].lines[0].get_data()
    np.testing.assert_array_equal(xs, model.alphas_[i])
    np.testing.assert_allclose(ys, model.mse_path_[i].mean(axis=1), rtol=1e-12)
    vertical = sorted(ln.get_xdata()[0] for ln in _vertical_lines(ax))
    assert vertical == sorted([model.alpha_, model.alpha_1se_])
    # The path at the chosen mix, on the CV grid.
    alphas, coefs, _ = enet_path(
        X, y, l1_ratio=model.l1_ratio_, alphas=model.alphas_[i], fit_intercept=True
    )
    ax = plot_path(alphas, coefs, highlight=2)
    assert len(ax.get_lines()) == np.any(coefs != 0, axis=1).sum()
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), model.alphas_[i])


def test_missing_matplotlib_gives_install_hint(monkeypatch, path_data):
    _, _, alphas, coefs = path_data
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"shrinkage\[plot\]"):
        plot_path(alphas, coefs)
