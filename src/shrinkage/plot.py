"""Plots of regularization paths and cross-validation curves (matplotlib).

matplotlib is an optional dependency (``pip install "shrinkage[plot]"``); it
is imported inside the functions, so ``import shrinkage.plot`` always works.

Both plots put the largest alpha on the **left** and let alpha decrease to the
right, as in glmnet's and scikit-learn's path figures: reading left to right
follows the path as it is computed, from the empty model to the densest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

_N_TOP_TICKS = 6


def _pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "shrinkage.plot needs matplotlib, an optional dependency: "
            'pip install "shrinkage[plot]" (or pip install matplotlib).'
        ) from exc
    return plt


def _decreasing_xlim(ax: Any, alphas: np.ndarray, log_alpha: bool) -> None:
    """x limits from the largest alpha (left) to the smallest (right)."""
    hi, lo = float(alphas.max()), float(alphas.min())
    if hi == lo:  # a single alpha: pad around it
        hi, lo = (hi * 1.5, hi / 1.5) if log_alpha else (hi + 0.5, lo - 0.5)
    ax.set_xlim(hi, lo)


def _top_tick_indices(alphas: np.ndarray, log_alpha: bool) -> np.ndarray:
    """Grid points for the top axis: about evenly spaced on the x scale,
    snapped to the nearest grid alpha, largest alpha first."""
    t = np.log(alphas) if log_alpha else alphas
    targets = np.linspace(t.max(), t.min(), min(_N_TOP_TICKS, alphas.size))
    idx = np.abs(t[None, :] - targets[:, None]).argmin(axis=1)
    _, first = np.unique(idx, return_index=True)
    return idx[np.sort(first)]


def _highlighted(highlight: Any, coefs: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Feature indices to colour and label (see ``plot_path``)."""
    if highlight is None:
        return np.empty(0, dtype=np.intp)
    if isinstance(highlight, (int, np.integer)) and not isinstance(highlight, bool):
        if highlight < 0:
            raise ValueError(f"highlight must be >= 0, got {highlight}.")
        end = np.abs(coefs[active, -1])
        # Largest |coef| at the end of the path; ties: the earlier entrant.
        entry = np.argmax(coefs[active] != 0, axis=1)
        order = np.lexsort((entry, -end))
        return active[order[:highlight]]
    idx = np.asarray(highlight).ravel()
    if idx.dtype == bool or not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(
            "highlight must be None, an int (top-k) or a sequence of feature "
            f"indices, got {highlight!r}."
        )
    if idx.size and (idx.min() < -coefs.shape[0] or idx.max() >= coefs.shape[0]):
        raise ValueError(f"highlight indices must be < n_features={coefs.shape[0]}.")
    return np.unique(idx % coefs.shape[0])


def _spread(y: np.ndarray, gap: float) -> np.ndarray:
    """Label heights closest to ``y`` (least squares) with neighbours at least
    ``gap`` apart: isotonic regression of ``sorted(y) - i * gap`` (pool
    adjacent violators), shifted back."""
    if y.size < 2 or gap <= 0:
        return np.asarray(y, dtype=np.float64)
    order = np.argsort(y, kind="stable")
    z = y[order].astype(np.float64) - gap * np.arange(y.size)
    blocks: list[list[float]] = []  # [mean, count]
    for v in z:
        blocks.append([v, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks[-1]
            blocks[-1] = [(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2]
    fit = np.repeat([b[0] for b in blocks], [int(b[1]) for b in blocks])
    out = np.empty(y.size)
    out[order] = fit + gap * np.arange(y.size)
    return out


def plot_path(
    alphas: Any,
    coefs: Any,
    *,
    ax: Any = None,
    feature_names: Sequence[str] | None = None,
    highlight: int | Sequence[int] | None = None,
    log_alpha: bool = True,
    title: str | None = None,
) -> Any:
    """Coefficient paths against alpha, with the number of non-zeros on top.

    One line per feature that is non-zero somewhere on the path (features
    that stay at zero are not drawn). Alpha decreases from left to right (the
    order in which features enter), on a log axis by default. A secondary x
    axis at the top shows the number of non-zero coefficients at a few grid
    alphas (its ticks sit exactly on grid points).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        Regularization strengths, in any order (the paths' own grid).
    coefs : array-like of shape (n_features, n_alphas)
        ``coefs[:, k]`` is the solution at ``alphas[k]``. The first two
        outputs of :func:`shrinkage.lasso_path` / :func:`shrinkage.enet_path`
        fit directly: ``plot_path(*lasso_path(X, y)[:2])``.
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    feature_names : sequence of str of length n_features, default=None
        Names for the labels; ``x{j}`` (column index) when None.
    highlight : int or sequence of int, default=None
        Features to emphasise and label at the end of the path (smallest
        alpha): an int ``k`` picks the ``k`` largest in absolute value there,
        a sequence gives the column indices. The other paths are drawn thin
        and grey. None: every path in colour, no labels. The labels sit just
        outside the right edge: on a figure of your own, use
        ``layout="constrained"`` (or ``tight_layout``) to keep them in view.
    log_alpha : bool, default=True
        Log-scaled alpha axis (then every alpha must be > 0).
    title : str, default=None

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; the top axis is ``ax.child_axes[-1]``.

    Examples
    --------
    >>> from shrinkage import lasso_path
    >>> from shrinkage.plot import plot_path
    >>> ax = plot_path(*lasso_path(X, y)[:2], highlight=5)  # doctest: +SKIP
    """
    plt = _pyplot()
    from matplotlib.transforms import blended_transform_factory

    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    coefs = np.asarray(coefs, dtype=np.float64)
    if alphas.size == 0:
        raise ValueError("alphas must not be empty.")
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(
            f"coefs must have shape (n_features, {alphas.size}) to match alphas, "
            f"got {coefs.shape}."
        )
    if not np.all(np.isfinite(alphas)):
        raise ValueError("alphas must be finite.")
    if log_alpha and np.any(alphas <= 0):
        raise ValueError("A log alpha axis needs alphas > 0; pass log_alpha=False.")
    if feature_names is not None and len(feature_names) != coefs.shape[0]:
        raise ValueError(
            f"feature_names has {len(feature_names)} entries for "
            f"{coefs.shape[0]} features."
        )
    # Draw in decreasing alpha so each line runs left to right.
    order = np.argsort(-alphas, kind="stable")
    alphas, coefs = alphas[order], coefs[:, order]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")

    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    marked = _highlighted(highlight, coefs, active)
    emphasise = set(marked.tolist())
    lines = {}
    for j in active:
        if highlight is None:
            style = {"lw": 1.2}
        elif j in emphasise:
            style = {"lw": 1.8, "zorder": 3}  # colours from the cycle
        else:
            style = {"lw": 0.8, "color": "0.75", "zorder": 2}
        (lines[j],) = ax.plot(alphas, coefs[j], **style)
    # Zero reference as a LineCollection, so the axes' Line2D are the paths.
    ax.hlines(0.0, alphas.min(), alphas.max(), colors="0.5", lw=0.6, zorder=1)
    if log_alpha:
        ax.set_xscale("log")
    _decreasing_xlim(ax, alphas, log_alpha)
    ax.set_xlabel("alpha (log scale)" if log_alpha else "alpha")
    ax.set_ylabel("coefficient")

    if marked.size:
        end = coefs[marked, -1]
        lo, hi = ax.get_ylim()
        ys = _spread(end, 0.045 * (hi - lo))
        # Labels just right of the axes, at (spread-out) heights in data units.
        label_tf = blended_transform_factory(ax.transAxes, ax.transData)
        for j, y_end, y_text in zip(marked, end, ys, strict=True):
            name = str(feature_names[j]) if feature_names is not None else f"x{j}"
            color = lines[j].get_color() if j in lines else "k"
            ax.annotate(
                name,
                xy=(alphas[-1], y_end),
                xytext=(1.01, y_text),
                textcoords=label_tf,
                va="center",
                fontsize=8,
                color=color,
                annotation_clip=False,
            )

    nnz = np.count_nonzero(coefs, axis=0)
    ticks = _top_tick_indices(alphas, log_alpha)
    top = ax.secondary_xaxis("top")
    top.set_xticks(alphas[ticks])
    top.set_xticklabels([str(int(nnz[k])) for k in ticks])
    top.minorticks_off()
    top.set_xlabel("non-zero coefficients")
    if title:
        ax.set_title(title)
    return ax


def _chosen_curve(cv_estimator: Any) -> tuple[np.ndarray, np.ndarray]:
    """The alpha grid and (n_alphas, n_folds) errors at ``l1_ratio_``."""
    alphas = np.asarray(cv_estimator.alphas_, dtype=np.float64)
    mse = np.asarray(cv_estimator.mse_path_, dtype=np.float64)
    if mse.ndim == 3:  # several l1 ratios: the chosen one
        ratios = np.atleast_1d(np.asarray(cv_estimator.l1_ratio, dtype=np.float64))
        i = int(np.argmin(np.abs(ratios - float(cv_estimator.l1_ratio_))))
        mse = mse[i]
        alphas = alphas[i] if alphas.ndim == 2 else alphas
    if mse.ndim != 2 or alphas.shape != (mse.shape[0],):
        raise ValueError(
            "cv_estimator must be a fitted LassoCV/ElasticNetCV: mse_path_ of "
            f"shape {mse.shape} does not match alphas_ of shape {alphas.shape}."
        )
    return alphas, mse


def plot_cv(
    cv_estimator: Any,
    *,
    ax: Any = None,
    title: str | None = None,
    show_folds: bool = False,
) -> Any:
    """Mean cross-validated error against alpha, with one-standard-error bars.

    The points are the mean over folds of the held-out mean squared error
    (``mse_path_.mean(axis=-1)``) and the bars ± one standard error
    (``std(ddof=1) / sqrt(n_folds)``), the quantities behind the one-standard-
    error rule. Vertical lines mark ``alpha_`` (lowest mean error, dashed) and
    ``alpha_1se_`` (the largest alpha within one standard error of it,
    dotted). Alpha decreases from left to right on a log axis. For
    :class:`shrinkage.ElasticNetCV` with several l1 ratios, the curve of the
    chosen ``l1_ratio_`` is drawn.

    Parameters
    ----------
    cv_estimator : fitted LassoCV or ElasticNetCV
        Needs ``alphas_``, ``mse_path_``, ``alpha_`` and ``alpha_1se_`` (for an
        estimator without ``alpha_1se_``, such as scikit-learn's, it is
        computed from ``mse_path_``).
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when None.
    title : str, default=None
    show_folds : bool, default=False
        Also draw each fold's error curve as a thin grey line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    plt = _pyplot()
    from ._cv import one_standard_error_index

    alphas, mse = _chosen_curve(cv_estimator)
    n_folds = mse.shape[1]
    mean = mse.mean(axis=1)
    std_err = (
        mse.std(axis=1, ddof=1) / np.sqrt(n_folds)
        if n_folds > 1
        else np.zeros_like(mean)
    )
    alpha_best = float(cv_estimator.alpha_)
    alpha_1se = getattr(cv_estimator, "alpha_1se_", None)
    if alpha_1se is None:
        alpha_1se = alphas[one_standard_error_index(mean, std_err)]
    alpha_1se = float(alpha_1se)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    if show_folds:
        for f in range(n_folds):
            ax.plot(alphas, mse[:, f], color="0.8", lw=0.7, zorder=1)
    ax.errorbar(
        alphas,
        mean,
        yerr=std_err,
        fmt="o",
        ms=3,
        color="tab:red",
        ecolor="0.55",
        elinewidth=0.8,
        zorder=3,
        label=f"mean CV error ± 1 s.e. ({n_folds} folds)",
    )
    ax.axvline(alpha_best, color="k", ls="--", lw=1, label=f"alpha_ = {alpha_best:.3g}")
    ax.axvline(
        alpha_1se, color="k", ls=":", lw=1.2, label=f"alpha_1se_ = {alpha_1se:.3g}"
    )
    ax.set_xscale("log")
    _decreasing_xlim(ax, alphas, True)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo * 1.1, hi / 1.1)
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("mean squared error")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
