"""Lasso and ElasticNet estimators on the compiled coordinate-descent core.

Objective (scikit-learn's convention), with ``S = sum(sample_weight)``::

    1/(2S) * sum_i sw_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio) / 2 * ||w||_2^2

Mappings to other conventions (see also docs/conventions.md):

* glmnet (``standardize=False``): for the Lasso ``lambda = alpha``; for the
  elastic net glmnet measures the L2 term after scaling y to unit standard
  deviation, see docs/conventions.md for the exact mapping.
* Literature strengths ``lambda1 ||w||_1 + lambda2 ||w||^2`` added to the same
  data term: ``alpha = lambda1 + 2 lambda2``, ``l1_ratio = lambda1 / alpha``
  (:meth:`ElasticNet.from_strengths`).
* Unscaled data term ``1/2 ||y - Xw||^2 + lam ||w||_1``: ``alpha = lam / n``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning

from ._base import LinearPredictorMixin
from ._face import FACE_BUDGET, GramCache, face_solve, face_solve_epochs
from ._gram import GramForm, gram_problem, null_deviance, use_gram
from ._kernels._enet import column_stats, enet_coordinate_descent
from ._validation import (
    Design,
    as_design,
    check_bool,
    check_finite_result,
    check_fraction,
    check_magnitudes,
    check_nonnegative_real,
    check_positive_int,
    check_precompute,
    validate_regression_data,
)


@dataclass
class EnetSolution:
    """What one elastic-net solve returns."""

    coef: np.ndarray
    intercept: float
    dual_gap: float
    n_iter: int
    converged: bool
    tol: float  # absolute tolerance on the gap that was asked for
    # The descent this solve stood for: its epochs, or the epochs that a
    # direct solve on the support it kept was weighed against, whichever is
    # more (what a path expects the next alpha to need: an alpha that a
    # solve settled ran no epochs, yet its neighbour needs that solve too).
    effort: int = 0
    # Whether the workspace's residual is that of coef (the solve ended with
    # a run of the compiled solver): a next solve warm-started at coef with
    # the same workspace need not form it again.
    residual_kept: bool = False


class WarmGradient:
    """The gradient ``xc_j.(sw r)/S`` of every feature at the current
    coefficients, carried from solve to solve along a path.

    A path hands each alpha the previous solution, whose gradient the
    kernel computed at its last gap check; a direct solve on the support
    computes the gradient at its result for its optimality check. Either
    way the next run of the kernel can start from it instead of a pass over
    X. ``ready`` says whether ``values`` holds it now.
    """

    def __init__(self, n_features: int) -> None:
        self.values = np.zeros(n_features)
        self.ready = False


def scaled_tolerance(
    y: np.ndarray, sample_weight: np.ndarray | None, tol: float, fit_intercept: bool
) -> float:
    """Turn the relative ``tol`` into an absolute bound on the duality gap.

    Like scikit-learn: ``tol * sum_i sw_i (y_i - ybar)^2 / S`` (ybar = 0
    without an intercept), i.e. ``tol`` times the objective at w = 0, doubled.
    """
    return float(tol * null_deviance(y, sample_weight, fit_intercept))


def design_stats(
    design: Design,
    sample_weight: np.ndarray | None,
    fit_intercept: bool,
    summary: bool = False,
) -> Any:
    """Weighted column means and centred curvatures ``||xc_j||^2_sw / S``.

    With ``summary``, a third item ``(finite_sums, bound)`` of X's stored
    values from the same pass, for :func:`check_magnitudes` (see
    ``column_stats``).
    """
    sw = (
        sample_weight
        if sample_weight is not None
        else np.empty(0, dtype=design.data.dtype)
    )
    return column_stats(
        *design.kernel_args(),
        sw,
        bool(fit_intercept),
        summary=bool(summary),
    )


def centred_target(
    y: np.ndarray, sample_weight: np.ndarray | None, dtype: Any
) -> tuple[float, np.ndarray]:
    """The (weighted) mean of y and y minus it, in ``dtype``.

    The solvers take y centred (a copy of n values; X is still centred
    implicitly): the kernel's residual then stays small, so a large offset
    of y (say 1e9) does not cost digits by cancellation; the intercept
    absorbs it.
    """
    shift = float(
        np.mean(y) if sample_weight is None else np.average(y, weights=sample_weight)
    )
    return shift, np.asarray(np.asarray(y, dtype=np.float64) - shift, dtype=dtype)


def solve_enet(
    design: Design,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    *,
    l1: float,
    l2: float,
    positive: bool,
    fit_intercept: bool,
    max_iter: int,
    tol: float,
    coef_init: np.ndarray | None = None,
    stats: tuple[np.ndarray, np.ndarray] | None = None,
    absolute_tol: float | None = None,
    strong_l1: float = -1.0,
    face_solves: bool = True,
    expected_epochs: int = 0,
    gram_cache: GramCache | None = None,
    warm_gradient: WarmGradient | None = None,
    inner_share: float = 0.3,
    workspace: dict | None = None,
    y_shift: float | None = None,
    residual_ready: bool = False,
    support_init: np.ndarray | None = None,
    overwrite_coef_init: bool = False,
    rss_extra: float = 0.0,
) -> EnetSolution:
    """Run the compiled solver on validated data (no warnings raised here).

    ``stats`` is the output of :func:`design_stats` for the same design,
    weights and ``fit_intercept``; computed here when not given.
    ``absolute_tol``, when given, replaces the relative ``tol`` as the bound
    on the duality gap (used by the proximal-Newton inner solves).
    ``strong_l1 > 0`` seeds the first working set with the features whose
    |gradient| at ``coef_init`` reaches it (the sequential strong rule of a
    path; see :func:`shrinkage._path.compute_path`).
    ``face_solves`` allows direct solves on the support between runs of the
    compiled solver (see :func:`face_solve`); ``expected_epochs`` (on a
    path: the epochs the previous alpha took) lets one be tried on the warm
    start before any descent, when that many epochs would pay for it.
    ``gram_cache`` (a :class:`GramCache` of the same design and weights)
    carries Gram matrix entries from solve to solve along a path, and
    ``warm_gradient`` (a :class:`WarmGradient` of the same design, weights
    and ``fit_intercept``, ready only if it holds the gradient at
    ``coef_init``) the gradient. ``inner_share`` is the compiled solver's:
    each working set is solved to that fraction of the outer duality gap
    (0: to tol / 2 at once). ``workspace``: a dict that keeps the compiled
    solver's scratch buffers between calls (one per path; never shared by
    concurrent solves). ``y_shift`` (with ``fit_intercept``): y is centred
    already, by this (weighted) mean, and is of the design's dtype (a path
    centres it once). ``residual_ready``: the workspace holds the residual
    of ``coef_init`` (the last solve with it returned ``coef_init`` with
    ``residual_kept``), and ``support_init``, when given, is
    ``flatnonzero(coef_init)``: a path knows both from the previous alpha.
    ``overwrite_coef_init``: ``coef_init`` (contiguous, of the design's
    dtype) may be solved in place instead of in a copy (a path's previous
    solution, which it has stored already). ``rss_extra``: the compiled
    solver's (Gram mode: ``GramForm.rss_extra``, so that the gap is the
    original problem's).
    """
    dtype = design.data.dtype
    if coef_init is None:
        coef = np.zeros(design.n_features, dtype=dtype)
    elif (
        overwrite_coef_init
        and coef_init.dtype == dtype
        and coef_init.flags.c_contiguous
        and coef_init.flags.writeable
    ):
        coef = coef_init
    else:
        coef = np.array(coef_init, dtype=dtype, copy=True)
    if absolute_tol is not None:
        tol_abs = float(absolute_tol)
    else:
        tol_abs = scaled_tolerance(y, sample_weight, tol, fit_intercept)
    if absolute_tol is None and (
        scaled_tolerance(y, sample_weight, 1.0, fit_intercept) == 0.0
    ):
        # y is constant (after centring): w = 0 is the exact solution, with
        # a zero gap, whatever the penalty. (Tested on the deviance itself,
        # not on tol_abs, which is also 0 when tol=0 is asked for.)
        sw = sample_weight
        ybar = float(np.average(y, weights=sw)) if fit_intercept else 0.0
        if fit_intercept and y_shift is not None:
            ybar += y_shift  # y came centred
        if warm_gradient is not None:
            warm_gradient.ready = False
        return EnetSolution(np.zeros_like(coef), ybar, 0.0, 0, True, 0.0)
    sw = sample_weight if sample_weight is not None else np.empty(0, dtype=dtype)
    if stats is None:
        stats = design_stats(design, sample_weight, fit_intercept)
    xbar, lipschitz = stats
    if not fit_intercept:
        y_shift = 0.0
    elif y_shift is None:
        y_shift, y = centred_target(y, sample_weight, dtype)

    if workspace is None:
        workspace = {}  # shared by the runs of this solve
    if warm_gradient is None:
        warm_gradient = WarmGradient(design.n_features)
    elif coef_init is None:
        warm_gradient.ready = False
    # Only a float64 design's coefficients equal a direct solve's result
    # exactly (float32 rounds them), so only then is its gradient exact.
    exact_face_gradient = dtype == np.float64

    residual_ready = residual_ready and coef_init is not None

    def run(epochs: int, strong: float) -> tuple[float, float, int, bool]:
        nonlocal residual_ready
        *out, complete = enet_coordinate_descent(
            *design.kernel_args(),
            y,
            sw,
            coef,
            xbar,
            lipschitz,
            float(l1),
            float(l2),
            bool(positive),
            bool(fit_intercept),
            int(epochs),
            tol_abs,
            strong_l1=strong,
            gradient=warm_gradient.values,
            gradient_ready=warm_gradient.ready,
            inner_share=float(inner_share),
            workspace=workspace,
            residual_ready=residual_ready,
            rss_extra=rss_extra,
        )
        warm_gradient.ready = bool(complete)
        residual_ready = True  # the kernel leaves the residual of coef
        return tuple(out)

    # Coordinate descent, interleaved with direct solves on the support
    # (:func:`face_solve`) each time it runs past a budget of epochs, which
    # doubles every time and is never below the epochs that pay for a solve
    # on the support the run starts from (on a path, close to the one it
    # finds). On an ill-conditioned support (the small-alpha end of a wide
    # path, where the support nears n) descent reaches the optimum slowly,
    # and its duality gap, first order in the residual's error, far more
    # slowly still; a direct solve once the support and signs are right
    # lands on the optimum, where the gap is ~0. The compiled solver checks
    # the result (optimality of the zeros, gap) as for any warm start, so
    # these solves only save work.
    face = face_solves and l1 > 0
    budget = FACE_BUDGET
    n_iter = 0
    strong = float(strong_l1)
    if face and gram_cache is None:
        gram_cache = GramCache(design, sample_weight)
    args = (design, y, sample_weight, coef, stats, l1, l2)

    face_effort = 0

    def solve_on_face(epochs: int, support: np.ndarray | None = None) -> bool:
        """face_solve, keeping warm_gradient and the residual true to coef."""
        nonlocal face_effort, residual_ready
        gradient = warm_gradient.values if exact_face_gradient else None
        if face_solve(*args, epochs, positive, gram_cache, gradient, support):
            warm_gradient.ready = exact_face_gradient
            residual_ready = False
            face_effort = max(face_effort, epochs)
            return True
        return False

    # the support of coef, while known (flatnonzero of the floats' != 0 is
    # faster than of the floats)
    support = support_init if coef_init is not None else None
    # face_solve_epochs of that support, while the cache it priced is as it
    # was (an O(support) pricing; a path would otherwise pay it twice)
    needed = None
    if face and expected_epochs > 0:
        # a solve first, when the descent is expected to run long enough
        if support is None:
            support = np.flatnonzero(coef != 0)
        needed = face_solve_epochs(design, support, gram_cache, l2)
        if expected_epochs >= needed:
            if solve_on_face(expected_epochs, support):
                support = None
            needed = None  # the solve ran: the cache holds more now
    while True:
        if face and support is None:
            support = np.flatnonzero(coef != 0)
            needed = None
        if face and support.size:  # (a cold start: try after the budget)
            if needed is None:
                needed = face_solve_epochs(design, support, gram_cache, l2)
            budget = max(budget, needed)
        epochs = int(min(budget, max_iter - n_iter)) if face else max_iter
        intercept, gap, done, converged = run(epochs, strong)
        support = None
        needed = None
        n_iter += done
        strong = -1.0
        if converged or done < epochs or n_iter >= max_iter:
            break
        solve_on_face(epochs)
        budget = 2 * epochs
    return EnetSolution(
        coef,
        intercept + y_shift,
        gap,
        n_iter,
        converged,
        tol_abs,
        max(n_iter, face_effort),
        residual_kept=True,
    )


def solve_data(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    *,
    l1: float,
    l2: float,
    positive: bool,
    fit_intercept: bool,
    max_iter: int,
    tol: float,
    gram: bool,
    coef_init: np.ndarray | None = None,
    design: Design | None = None,
    stats: tuple[np.ndarray, np.ndarray] | None = None,
    gram_form: GramForm | None = None,
) -> EnetSolution:
    """:func:`solve_enet` on validated X, or on its Gram form (``gram``).

    The Gram form (:func:`~shrinkage._gram.gram_problem`, or ``gram_form``
    when formed already) has the same solution and duality gap; the
    tolerance stays relative to the original y, and the intercept follows
    from the means. ``design`` and ``stats`` (X's, when computed already)
    are for the direct route.
    """
    if not gram:
        return solve_enet(
            as_design(X) if design is None else design,
            y,
            sample_weight,
            l1=l1,
            l2=l2,
            positive=positive,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            coef_init=coef_init,
            stats=stats,
        )
    form = gram_form or gram_problem(X, y, sample_weight, fit_intercept)
    solution = solve_enet(
        form.design,
        form.z,
        None,
        l1=l1,
        l2=l2,
        positive=positive,
        fit_intercept=False,
        max_iter=max_iter,
        tol=0.0,
        coef_init=coef_init,
        absolute_tol=tol * form.null_deviance,
        # stop on the original problem's gap (see shrinkage._gram)
        rss_extra=form.rss_extra,
    )
    solution.intercept = form.ybar - float(form.xbar @ solution.coef)
    return solution


def set_fitted(estimator: Any, solution: EnetSolution) -> Any:
    """Warn on non-convergence and set the fitted attributes of ``estimator``."""
    check_finite_result(
        f"The {type(estimator).__name__} solution", solution.coef, solution.intercept
    )
    warn_if_not_converged(solution, estimator.max_iter)
    estimator.coef_ = solution.coef
    estimator.intercept_ = solution.intercept if estimator.fit_intercept else 0.0
    estimator.dual_gap_ = solution.dual_gap
    estimator.n_iter_ = solution.n_iter
    return estimator


def warn_if_not_converged(solution: EnetSolution, max_iter: int) -> None:
    """ConvergenceWarning that states the gap reached and the gap wanted."""
    if not solution.converged:
        warnings.warn(
            f"Coordinate descent did not converge in max_iter={max_iter} epochs: "
            f"duality gap {solution.dual_gap:.3e} > tolerance {solution.tol:.3e}. "
            "Increase max_iter, loosen tol, or scale the features.",
            ConvergenceWarning,
            stacklevel=4,
        )


class ElasticNet(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 penalties.

    Minimises, over ``w`` and (if ``fit_intercept``) ``b``::

        1/(2S) * sum_i sw_i (y_i - x_i.w - b)^2
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio) / 2 * ||w||^2

    where ``S`` is the sum of the sample weights (``n_samples`` without
    weights), by coordinate descent with working sets and Gap Safe
    screening, stopping on the duality gap. Same parameters and fitted
    attributes as :class:`sklearn.linear_model.ElasticNet`.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall penalty strength, >= 0.
    l1_ratio : float, default=0.5
        Mix of the penalties in [0, 1]: 1 is the Lasso, 0 a pure L2 penalty.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (X is centred implicitly, never copied).
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs (passes over the
        working set).
    tol : float, default=1e-4
        Stop when the duality gap is <= ``tol * sum_i sw_i (y_i - ybar)^2 / S``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    precompute : {'auto', True, False}, default=False
        Gram mode: solve the equivalent p x p problem built from X^T X
        (formed once, in row blocks, without copying X); pays off for
        n_samples >> n_features when many epochs are needed (correlated
        features, small alpha). 'auto' uses it for dense X with
        n_samples >= 10 n_features and n_features <= 1000.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Number of epochs run.
    dual_gap_ : float
        Duality gap at exit, in units of the objective above: a certificate
        that the objective is within ``dual_gap_`` of its minimum.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when X has column names.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5]])
    >>> model = ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, [0.1, 1.1, 2.0, 2.9])
    >>> bool(model.dual_gap_ >= 0)
    True
    """

    def __init__(
        self,
        alpha: float = 1.0,
        l1_ratio: float = 0.5,
        *,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        warm_start: bool = False,
        positive: bool = False,
        precompute: bool | str = False,
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.precompute = precompute
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive

    @classmethod
    def from_strengths(
        cls, l1_strength: float, l2_strength: float, **kwargs: Any
    ) -> ElasticNet:
        """Build from the strengths of the penalty ``l1*||w||_1 + l2*||w||_2^2``.

        The data term stays ``1/(2S) ||y - Xw - b||^2``; since ours writes the
        L2 part as ``alpha (1 - l1_ratio) / 2 ||w||^2``, the mapping is
        ``alpha = l1 + 2 l2`` and ``l1_ratio = l1 / (l1 + 2 l2)``.

        Parameters
        ----------
        l1_strength, l2_strength : float
            Non-negative strengths, not both zero.
        **kwargs
            Other constructor parameters (``fit_intercept``, ``tol``...).
        """
        l1 = check_nonnegative_real(l1_strength, "l1_strength")
        l2 = check_nonnegative_real(l2_strength, "l2_strength")
        alpha = l1 + 2.0 * l2
        if alpha == 0.0:
            raise ValueError("l1_strength and l2_strength cannot both be 0.")
        return cls(alpha=alpha, l1_ratio=l1 / alpha, **kwargs)

    def _validate_params(self) -> None:
        check_nonnegative_real(self.alpha, "alpha")
        check_fraction(self.l1_ratio, "l1_ratio")
        check_bool(self.fit_intercept, "fit_intercept")
        check_positive_int(self.max_iter, "max_iter")
        check_nonnegative_real(self.tol, "tol")
        check_bool(self.warm_start, "warm_start")
        check_bool(self.positive, "positive")
        check_precompute(self.precompute)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ElasticNet:
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense input is used without copy when Fortran-ordered float32 or
            float64; CSC input is used as is (CSR is converted once).
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; integer weights are equivalent to
            repeating rows.

        Returns
        -------
        self
        """
        self._validate_params()
        X, y, sw = validate_regression_data(
            self, X, y, sample_weight, check_values=False
        )
        gram = use_gram(X, self.precompute)
        form = None
        if gram:
            # X's values are checked from the Gram sums' pass
            form = gram_problem(X, y, sw, self.fit_intercept, check_values=True)
        else:
            # X's values are checked from the column statistics' pass: one
            # pass over X instead of two (see validate_regression_data).
            design = as_design(X)
            stats = design_stats(design, sw, self.fit_intercept, summary=True)
            check_magnitudes(X, y, sw, x_summary=stats[2])
        if self.alpha == 0.0:
            warnings.warn(
                "With alpha=0 the problem is ordinary least squares: coordinate "
                "descent converges slowly and the duality gap is not informative. "
                "Use sklearn.linear_model.LinearRegression instead.",
                UserWarning,
                stacklevel=2,
            )
        coef_init = None
        if (
            self.warm_start
            and getattr(self, "coef_", None) is not None
            and self.coef_.shape == (X.shape[1],)
        ):
            coef_init = self.coef_
        solution = solve_data(
            X,
            y,
            sw,
            l1=self.alpha * self.l1_ratio,
            l2=self.alpha * (1.0 - self.l1_ratio),
            positive=self.positive,
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            tol=self.tol,
            gram=gram,
            gram_form=form,
            coef_init=coef_init,
            design=None if gram else design,
            stats=None if gram else stats[:2],
        )
        return set_fitted(self, solution)


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty (the Lasso).

    Minimises ``1/(2S) * sum_i sw_i (y_i - x_i.w - b)^2 + alpha * ||w||_1``
    (``S`` = sum of sample weights, ``n_samples`` without weights). This is
    :class:`ElasticNet` with ``l1_ratio=1``; same parameters and fitted
    attributes as :class:`sklearn.linear_model.Lasso`.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0. ``alpha = C`` of an unscaled Lasso
        ``1/2 ||y - Xw||^2 + C ||w||_1`` divided by ``n_samples``.
    fit_intercept, max_iter, tol, warm_start, positive, precompute
        As in :class:`ElasticNet`.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, n_features_in_
        As in :class:`ElasticNet`.
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        warm_start: bool = False,
        positive: bool = False,
        precompute: bool | str = False,
    ) -> None:
        super().__init__(
            alpha=alpha,
            l1_ratio=1.0,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            positive=positive,
            precompute=precompute,
        )

    @classmethod
    def from_strengths(cls, *args: Any, **kwargs: Any) -> ElasticNet:
        """Not available on Lasso: use :meth:`ElasticNet.from_strengths`."""
        raise TypeError("Lasso has a single strength: use Lasso(alpha=...).")
