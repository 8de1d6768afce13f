"""Plots of regularization paths and cross-validation curves (matplotlib).

matplotlib is an optional dependency: ``pip install "shrinkage[plot]"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            'shrinkage.plot needs matplotlib: pip install "shrinkage[plot]"'
        ) from exc
    return plt


def plot_path(
    alphas: Any,
    coefs: Any,
    *,
    ax: Any = None,
    feature_names: Any = None,
    n_labels: int = 5,
    title: str | None = None,
) -> Any:
    """Coefficient paths against alpha, with the number of non-zeros on top.

    Alpha decreases from left to right (the order in which features enter),
    on a log axis. One line per feature that is non-zero somewhere on the
    path; the ``n_labels`` largest at the end of the path are labelled.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
    coefs : array-like of shape (n_features, n_alphas)
        As returned by :func:`shrinkage.lasso_path` (``plot_path(*lasso_path(X,
        y)[:2])``) or :func:`shrinkage.enet_path`.
    ax : matplotlib Axes, default=None
        Drawn on a new figure when None.
    feature_names : sequence of str, default=None
    n_labels : int, default=5
    title : str, default=None

    Returns
    -------
    matplotlib Axes
    """
    plt = _pyplot()
    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    coefs = np.asarray(coefs, dtype=np.float64)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(
            f"coefs must have shape (n_features, {alphas.size}), got {coefs.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    for j in active:
        ax.plot(alphas, coefs[j], lw=1.2)
    ax.set_xscale("log")
    ax.set_xlim(alphas.max(), alphas.min())  # decreasing alpha to the right
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel("alpha")
    ax.set_ylabel("coefficient")
    last = coefs[active, -1] if active.size else np.empty(0)
    for j in active[np.argsort(-np.abs(last))][:n_labels]:
        name = str(feature_names[j]) if feature_names is not None else f"x{j}"
        ax.annotate(
            name,
            (alphas[-1], coefs[j, -1]),
            fontsize=7,
            xytext=(2, 0),
            textcoords="offset points",
        )
    # Top axis: the number of non-zero coefficients at a few alphas.
    nnz = np.count_nonzero(coefs, axis=0)
    ticks = np.unique(np.linspace(0, alphas.size - 1, min(6, alphas.size)).astype(int))
    top = ax.twiny()
    top.set_xscale("log")
    top.set_xlim(ax.get_xlim())
    top.set_xticks(alphas[ticks])
    top.set_xticklabels([str(nnz[k]) for k in ticks])
    top.minorticks_off()
    top.set_xlabel("non-zero coefficients")
    if title:
        ax.set_title(title, pad=28)
    return ax


def plot_cv(cv_estimator: Any, *, ax: Any = None, title: str | None = None) -> Any:
    """Mean cross-validated error against alpha, with one-standard-error bars.

    Vertical lines mark ``alpha_`` (lowest mean error) and ``alpha_1se_``
    (the largest alpha within one standard error of it). For
    :class:`shrinkage.ElasticNetCV` with several l1 ratios, the curve of the
    chosen ``l1_ratio_`` is drawn.

    Parameters
    ----------
    cv_estimator : fitted LassoCV or ElasticNetCV
    ax : matplotlib Axes, default=None
    title : str, default=None

    Returns
    -------
    matplotlib Axes
    """
    plt = _pyplot()
    alphas = np.asarray(cv_estimator.alphas_)
    mse = np.asarray(cv_estimator.mse_path_)
    if alphas.ndim == 2:  # several l1 ratios: the chosen one
        ratios = np.atleast_1d(cv_estimator.l1_ratio)
        i = int(np.flatnonzero(np.isclose(ratios, cv_estimator.l1_ratio_))[0])
        alphas, mse = alphas[i], mse[i]
    n_folds = mse.shape[1]
    mean = mse.mean(axis=1)
    std_err = (
        mse.std(axis=1, ddof=1) / np.sqrt(n_folds)
        if n_folds > 1
        else np.zeros_like(mean)
    )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    ax.errorbar(
        alphas,
        mean,
        yerr=std_err,
        fmt="o",
        ms=3,
        color="tab:red",
        ecolor="0.6",
        elinewidth=0.8,
        label="mean CV error ± 1 s.e.",
    )
    ax.axvline(
        cv_estimator.alpha_,
        color="k",
        ls="--",
        lw=1,
        label=f"alpha_ = {cv_estimator.alpha_:.3g}",
    )
    ax.axvline(
        cv_estimator.alpha_1se_,
        color="k",
        ls=":",
        lw=1,
        label=f"alpha_1se_ = {cv_estimator.alpha_1se_:.3g}",
    )
    ax.set_xscale("log")
    ax.set_xlim(alphas.max() * 1.1, alphas.min() / 1.1)
    ax.set_xlabel("alpha")
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
