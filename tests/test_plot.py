"""Plots render headlessly and show what they claim."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from _helpers import make_regression  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from shrinkage import ElasticNetCV, LassoCV, lasso_path  # noqa: E402
from shrinkage.plot import plot_cv, plot_path  # noqa: E402


def test_path_plot_has_one_line_per_active_feature_and_nnz_axis():
    X, y = make_regression(40, 15, seed=1)
    alphas, coefs, _ = lasso_path(X, y, n_alphas=20, fit_intercept=True)
    ax = plot_path(alphas, coefs)
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == alphas.size]
    assert len(lines) == active.size
    for ln in lines:
        np.testing.assert_array_equal(ln.get_xdata(), alphas)
    top = [a for a in ax.figure.axes if a is not ax][0]
    labels = [int(t.get_text()) for t in top.get_xticklabels()]
    nnz = np.count_nonzero(coefs, axis=0)
    assert labels[0] == nnz[0] == 0 and labels[-1] == nnz[-1]
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # decreasing alpha to the right


def test_cv_plot_error_bars_and_chosen_alphas():
    X, y = make_regression(60, 10, seed=2)
    model = LassoCV(cv=3, n_alphas=12).fit(X, y)
    ax = model.plot()
    container = ax.containers[0]
    xs, ys = container.lines[0].get_data()
    np.testing.assert_allclose(xs, model.alphas_)
    np.testing.assert_allclose(ys, model.mse_path_.mean(axis=1))
    assert any(isinstance(c, LineCollection) for c in ax.collections)  # error bars
    vertical = {ln.get_xdata()[0] for ln in ax.get_lines() if len(ln.get_xdata()) == 2}
    assert {model.alpha_, model.alpha_1se_} <= vertical


def test_cv_plot_for_several_l1_ratios():
    X, y = make_regression(50, 8, seed=3)
    model = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=8).fit(X, y)
    ax = plot_cv(model)
    i = [0.5, 1.0].index(model.l1_ratio_)
    xs, ys = ax.containers[0].lines[0].get_data()
    np.testing.assert_allclose(ys, model.mse_path_[i].mean(axis=1))


def test_bad_path_shapes():
    with pytest.raises(ValueError, match="coefs"):
        plot_path(np.ones(3), np.ones((2, 4)))
