"""Penalized logistic regression (binary and multinomial) by proximal Newton.

Objective, with ``S = sum(sample_weight)`` and the elastic-net penalty of
:class:`shrinkage.ElasticNet`::

    binary:      1/S sum_i sw_i log(1 + exp(-y_i (x_i.w + b)))          y_i = +-1
    multinomial: 1/S sum_i sw_i [logsumexp_k(x_i.w_k + b_k) - (x_i.w_yi + b_yi)]
    penalty:     alpha l1_ratio ||W||_1 + alpha (1 - l1_ratio)/2 ||W||_F^2

scikit-learn's ``LogisticRegression(C=...)`` minimises ``C sum_i loss_i +
penalty`` (penalty without alpha), so ``alpha = 1 / (n C)`` (``S`` instead of
n with weights). glmnet (``family="binomial"/"multinomial"``,
``standardize=FALSE``) uses the mean loss too: ``lambda = alpha``.

Algorithm (proximal Newton, as in glmnet, Friedman, Hastie & Tibshirani
2010, and Lee, Sun & Saunders 2014): at the current linear predictor z, the
loss is replaced by its second-order model, a weighted least-squares problem

    1/S sum_i sw_i h_i / 2 (t_i - x_i.w - b)^2,   h_i = p_i (1 - p_i),
    t_i = z_i - (p_i - u_i) / h_i              (u_i = 1 for the class, else 0)

which the compiled elastic-net core (working sets, screening, Anderson
extrapolation) solves warm-started; a backtracking line search on the true
objective makes every step a descent step. Multinomial models take one such
step per class in turn (block coordinate descent on the class rows).

Stopping rule: the duality gap. The negative gradient ("generalised
residual") theta = u - p, rescaled to be dual feasible, gives a lower bound:
the conjugate of the logistic loss is the binary negative entropy, and that
of the multinomial loss the negative entropy on the simplex (the dual used
by celer and skglm). The intercepts are first made optimal (1-D Newton), so
that sum_i sw_i theta_i = 0, the dual constraint an intercept adds.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit, logsumexp, softmax, xlogy
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from ._coordinate_descent import design_stats, solve_enet
from ._validation import (
    Design,
    as_design,
    check_bool,
    check_fraction,
    check_nonnegative_real,
    check_positive_int,
    validate_classification_data,
    validate_predict_data,
)

_H_MIN = 1e-10  # floor on the Hessian weights p (1 - p)


@dataclass
class LogisticSolution:
    coef: np.ndarray  # (n_rows, n_features): 1 row (binary) or K rows
    intercept: np.ndarray  # (n_rows,)
    dual_gap: float
    n_iter: int
    converged: bool
    tol: float


def _penalty(W: np.ndarray, l1: float, l2: float) -> float:
    w = W.astype(np.float64, copy=False)
    return l1 * np.abs(w).sum() + 0.5 * l2 * np.sum(w * w)


def _conjugate_penalty(V: np.ndarray, l1: float, l2: float, positive: bool) -> float:
    """g*(V) of the elastic-net penalty, +inf outside the domain when l2 = 0."""
    excess = (V if positive else np.abs(V)) - l1
    if l2 > 0:
        excess = np.maximum(excess, 0.0)
        return float(np.sum(excess * excess) / (2.0 * l2))
    return 0.0 if np.all(excess <= 1e-12 * max(l1, 1e-300)) else np.inf


def _best_dual(
    entropy_of_scale, V: np.ndarray, l1: float, l2: float, positive: bool
) -> float:
    """max over a few scales s in (0, 1] of -entropy(s) - g*(s V)."""
    v_max = float(np.max(V if positive else np.abs(V))) if V.size else 0.0
    scales = {1.0}
    if v_max > l1 > 0:
        scales.add(l1 / v_max)
    best = -np.inf
    for s in scales:
        value = -entropy_of_scale(s) - _conjugate_penalty(s * V, l1, l2, positive)
        best = max(best, value)
    return best


class _Binary:
    """Binary logistic loss on labels y in {0, 1} (u = y)."""

    def __init__(self, u: np.ndarray, sw: np.ndarray):
        self.u = u.astype(np.float64)
        self.sign = 2.0 * self.u - 1.0
        self.sw = sw
        self.total = sw.sum()

    def loss(self, z: np.ndarray) -> float:
        return float(self.sw @ np.logaddexp(0.0, -self.sign * z) / self.total)

    def entropy(self, z: np.ndarray):
        # a_i = y_i theta_i = probability given to the *other* class
        a = np.where(self.u > 0, expit(-z), expit(z))

        def at_scale(s: float) -> float:
            sa = s * a
            return float(self.sw @ (xlogy(sa, sa) + xlogy(1 - sa, 1 - sa)) / self.total)

        return at_scale


def _optimal_intercept_binary(loss: _Binary, z: np.ndarray, b: float):
    """1-D Newton with halving on the intercept; returns (z, b)."""
    for _ in range(50):
        p = expit(z)
        g = loss.sw @ (p - loss.u)
        h = loss.sw @ (p * (1 - p))
        if abs(g) <= 1e-15 * loss.total or h <= 0:
            break
        step = g / h
        t = 1.0
        if abs(g) > 1e-6 * loss.total:  # damped far away, pure Newton close
            f0 = loss.loss(z)
            while t > 1e-12 and loss.loss(z - t * step) > f0:
                t *= 0.5
            if t <= 1e-12:
                break
        z = z - t * step
        b -= t * step
    return z, b


def _matvec(X: Any, w: np.ndarray) -> np.ndarray:
    return np.asarray(safe_sparse_dot(X, w), dtype=np.float64).ravel()


def _rmatvec(X: Any, r: np.ndarray) -> np.ndarray:
    return np.asarray(safe_sparse_dot(X.T, r), dtype=np.float64).ravel()


def _newton_step(
    design: Design,
    X: Any,
    z: np.ndarray,
    p: np.ndarray,
    u: np.ndarray,
    sw: np.ndarray,
    w: np.ndarray,
    b: float,
    *,
    l1: float,
    l2: float,
    positive: bool,
    fit_intercept: bool,
    inner_tol: float,
    max_epochs: int,
):
    """Solve the weighted least-squares model of the loss around z.

    Returns the direction (dw, db) and the epochs used.
    """
    total = sw.sum()
    h = np.maximum(p * (1.0 - p), _H_MIN)
    target = z - (p - u) / h
    weights = (sw * h).astype(design.data.dtype)
    model_total = float(weights.sum(dtype=np.float64))
    # The kernel normalises its loss by sum(sw h) instead of S: rescale the
    # penalty (and the tolerance) by S / sum(sw h) to keep the same minimiser.
    ratio = total / model_total
    stats = design_stats(design, weights, fit_intercept)
    target = target.astype(design.data.dtype)
    for _ in range(3):
        sol = solve_enet(
            design,
            target,
            weights,
            l1=l1 * ratio,
            l2=l2 * ratio,
            positive=positive,
            fit_intercept=fit_intercept,
            max_iter=max_epochs,
            tol=0.0,
            coef_init=w,
            stats=stats,
            absolute_tol=inner_tol * ratio,
        )
        if sol.n_iter > 0:
            break
        # The model's own gap already meets the target (both gaps are
        # first-order in the optimality error): ask for more precision.
        inner_tol *= 1e-3
    db = (sol.intercept - b) if fit_intercept else 0.0
    return sol.coef.astype(np.float64) - w.astype(np.float64), db, sol.n_iter


def _line_search(objective, f0: float, slope: float):
    """Backtracking (Armijo) step in (0, 1] for a convex composite objective.

    Near the optimum the decrease falls below the rounding error of f (a few
    ulps): the step is then accepted as long as f does not grow beyond that
    noise, so the iterates can converge past sqrt(machine epsilon).
    """
    t = 1.0
    noise = 8 * np.finfo(np.float64).eps * abs(f0)
    while t > 1e-10:
        f = objective(t)
        if f <= f0 + 1e-4 * t * slope + noise:
            return t, f
        t *= 0.5
    return 0.0, f0


def solve_logistic(
    design: Design,
    X: Any,
    y_encoded: np.ndarray,
    n_classes: int,
    sample_weight: np.ndarray | None,
    *,
    l1: float,
    l2: float,
    fit_intercept: bool,
    max_iter: int,
    tol: float,
    max_epochs: int = 1000,
    positive: bool = False,
    coef_init: np.ndarray | None = None,
    intercept_init: np.ndarray | None = None,
) -> LogisticSolution:
    """Proximal Newton on validated data; ``tol`` is relative (see estimator)."""
    n, p = design.n_samples, design.n_features
    dtype = design.data.dtype
    sw = (
        np.ones(n)
        if sample_weight is None
        else np.asarray(sample_weight, dtype=np.float64)
    )
    total = sw.sum()
    n_rows = 1 if n_classes == 2 else n_classes
    W = np.zeros((n_rows, p), dtype=dtype)
    b = np.zeros(n_rows)
    if coef_init is not None and coef_init.shape == W.shape:
        W[:] = coef_init
        if intercept_init is not None and fit_intercept:
            b[:] = intercept_init
    U = np.zeros((n, n_classes))
    U[np.arange(n), y_encoded] = 1.0

    # Tolerance relative to the loss of the best constant model (the
    # weighted entropy of the class frequencies; log K without intercept).
    prior = (sw @ U) / total
    null_loss = (
        -float(prior @ np.log(np.maximum(prior, 1e-300)))
        if (fit_intercept)
        else float(np.log(n_classes))
    )
    tol_abs = tol * null_loss

    if n_rows == 1:
        return _solve_binary(
            design,
            X,
            U[:, 1],
            sw,
            W,
            b,
            l1=l1,
            l2=l2,
            positive=positive,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol_abs=tol_abs,
            max_epochs=max_epochs,
        )
    return _solve_multinomial(
        design,
        X,
        U,
        sw,
        W,
        b,
        l1=l1,
        l2=l2,
        positive=positive,
        fit_intercept=fit_intercept,
        max_iter=max_iter,
        tol_abs=tol_abs,
        max_epochs=max_epochs,
    )


def _solve_binary(
    design,
    X,
    u,
    sw,
    W,
    b,
    *,
    l1,
    l2,
    positive,
    fit_intercept,
    max_iter,
    tol_abs,
    max_epochs,
) -> LogisticSolution:
    loss = _Binary(u, sw)
    w = W[0]
    z = _matvec(X, w) + b[0]
    gap = np.inf
    converged = False
    n_iter = 0
    while True:
        # Recompute the linear predictor exactly: the primal value must be
        # that of (w, b) itself, not of a drifted running sum.
        z = _matvec(X, w) + b[0]
        if fit_intercept:
            z, b[0] = _optimal_intercept_binary(loss, z, b[0])
        prob = expit(z)
        primal = loss.loss(z) + _penalty(w, l1, l2)
        V = _rmatvec(X, sw * (u - prob)) / loss.total
        dual = _best_dual(loss.entropy(z), V, l1, l2, positive)
        gap = primal - dual
        if gap <= tol_abs:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        dw, db, _ = _newton_step(
            design,
            X,
            z,
            prob,
            u,
            sw,
            w,
            b[0],
            l1=l1,
            l2=l2,
            positive=positive,
            fit_intercept=fit_intercept,
            inner_tol=0.3 * gap,
            max_epochs=max_epochs,
        )
        dz = _matvec(X, dw) + db
        pen0 = _penalty(w, l1, l2)
        wd = w.astype(np.float64)
        slope = (sw @ ((prob - u) * dz)) / loss.total + (
            _penalty(wd + dw, l1, l2) - pen0
        )
        # slope >= 0 only from rounding when the step is tiny: the line
        # search then accepts it if f does not grow beyond its rounding noise.
        slope = min(slope, 0.0)

        def objective(t, z=z, wd=wd, dw=dw, dz=dz):
            return loss.loss(z + t * dz) + _penalty(wd + t * dw, l1, l2)

        t, _ = _line_search(objective, primal, slope)
        if t == 0.0:
            break
        w[:] = wd + t * dw
        b[0] += t * db
        z = z + t * dz
    return LogisticSolution(W, b, float(gap), n_iter, converged, tol_abs)


def _multinomial_loss(Z: np.ndarray, U: np.ndarray, sw: np.ndarray) -> float:
    return float(sw @ (logsumexp(Z, axis=1) - np.sum(U * Z, axis=1)) / sw.sum())


def _optimal_intercepts_multinomial(Z, U, sw, b):
    """Newton's method on the intercept vector (K unknowns) with halving.

    The Hessian sum_i sw_i (diag(p_i) - p_i p_i^T) is singular along the
    all-ones direction (the softmax ignores a common shift), so the step is
    taken with its pseudo-inverse.
    """
    total = sw.sum()
    for _ in range(50):
        P = softmax(Z, axis=1)
        g = sw @ (P - U)
        if np.max(np.abs(g)) <= 1e-15 * total:
            break
        H = np.diag(sw @ P) - (P * sw[:, None]).T @ P
        step = np.linalg.pinv(H, rcond=1e-12, hermitian=True) @ g
        t = 1.0
        if np.max(np.abs(g)) > 1e-6 * total:
            # Far from the optimum: damp by halving on the loss. Close to
            # it, pure Newton steps converge quadratically while loss
            # differences would drown in rounding.
            f0 = _multinomial_loss(Z, U, sw)
            while t > 1e-12 and _multinomial_loss(Z - t * step, U, sw) > f0:
                t *= 0.5
            if t <= 1e-12:
                break
        Z = Z - t * step
        b = b - t * step
    return Z, b


def _anderson_combination(history: list[np.ndarray]) -> np.ndarray | None:
    """Anderson extrapolation of a list of iterates (same as the CD core's:
    weights c with sum 1 minimising ||sum_k c_k (x_k - x_{k-1})||)."""
    X = np.array(history)
    D = np.diff(X, axis=0)
    gram = D @ D.T
    trace = np.trace(gram)
    if trace <= 0:
        return None
    try:
        z = np.linalg.solve(gram + 1e-10 * trace * np.eye(len(D)), np.ones(len(D)))
    except np.linalg.LinAlgError:
        return None
    if z.sum() == 0:
        return None
    return (z / z.sum()) @ X[1:]


def _symmetrize(W: np.ndarray, l1: float, l2: float) -> np.ndarray:
    """Per-feature shift c_j minimising the penalty of the rows W_k - c.

    The multinomial loss is unchanged when the same vector is subtracted from
    every class row, so the penalty alone picks the representative (glmnet
    does the same): c_j = argmin_c sum_k l1 |W_kj - c| + l2/2 (W_kj - c)^2,
    a 1-D convex piecewise quadratic whose minimiser is a breakpoint W_kj or
    the stationary point of one of the pieces between them.
    """
    K = W.shape[0]
    Wd = W.astype(np.float64)
    srt = np.sort(Wd, axis=0)
    candidates = [srt]
    if l2 > 0:
        total = Wd.sum(axis=0)
        lows = np.vstack([np.full((1, W.shape[1]), -np.inf), srt])
        highs = np.vstack([srt, np.full((1, W.shape[1]), np.inf)])
        for m in range(K + 1):  # m rows below c, K - m above
            c = (total - l1 * (2 * m - K) / l2) / K
            candidates.append(np.clip(c, lows[m], highs[m])[None, :])
    cand = np.vstack(candidates)  # (n_candidates, p)
    diff = Wd[None, :, :] - cand[:, None, :]
    cost = l1 * np.abs(diff).sum(axis=1) + 0.5 * l2 * (diff * diff).sum(axis=1)
    best = cand[np.argmin(cost, axis=0), np.arange(W.shape[1])]
    return best


def _solve_multinomial(
    design,
    X,
    U,
    sw,
    W,
    b,
    *,
    l1,
    l2,
    positive,
    fit_intercept,
    max_iter,
    tol_abs,
    max_epochs,
) -> LogisticSolution:
    total = sw.sum()
    n_classes = U.shape[1]
    Z = np.asarray(safe_sparse_dot(X, W.T), dtype=np.float64) + b
    gap = np.inf
    converged = False
    n_iter = 0
    history: list[np.ndarray] = []
    depth = 5
    while True:
        Z = np.asarray(safe_sparse_dot(X, W.T), dtype=np.float64) + b
        if fit_intercept:
            Z, b = _optimal_intercepts_multinomial(Z, U, sw, b)
        # Block (per-class) Newton converges linearly: extrapolate the outer
        # iterates every few sweeps, keep the point only if it is better.
        history.append(np.concatenate([W.ravel().astype(np.float64), b]))
        if len(history) == depth + 1:
            guess = _anderson_combination(history)
            history = [history[-1]]
            if guess is not None:
                W_try = guess[: W.size].reshape(W.shape)
                b_try = guess[W.size :] if fit_intercept else b
                Z_try = np.asarray(safe_sparse_dot(X, W_try.T), dtype=np.float64)
                Z_try += b_try
                if _multinomial_loss(Z_try, U, sw) + _penalty(
                    W_try, l1, l2
                ) < _multinomial_loss(Z, U, sw) + _penalty(W, l1, l2):
                    W[:] = W_try
                    b = np.array(b_try, dtype=np.float64)
                    Z = Z_try
                    if fit_intercept:
                        Z, b = _optimal_intercepts_multinomial(Z, U, sw, b)
                    history = [np.concatenate([W.ravel().astype(np.float64), b])]
        P = softmax(Z, axis=1)
        primal = _multinomial_loss(Z, U, sw) + _penalty(W, l1, l2)
        V = np.asarray(safe_sparse_dot(X.T, sw[:, None] * (U - P))) / total

        def entropy(s, P=P):
            Q = (1 - s) * U + s * P
            return float(sw @ np.sum(xlogy(Q, Q), axis=1) / total)

        dual = _best_dual(entropy, V, l1, l2, positive)
        gap = primal - dual
        if gap <= tol_abs:
            converged = True
            break
        if n_iter >= max_iter:
            break
        n_iter += 1
        for k in range(n_classes):
            P = softmax(Z, axis=1)
            f0 = _multinomial_loss(Z, U, sw) + _penalty(W, l1, l2)
            wk = W[k].astype(np.float64)
            dw, db, _ = _newton_step(
                design,
                X,
                Z[:, k],
                P[:, k],
                U[:, k],
                sw,
                W[k],
                b[k],
                l1=l1,
                l2=l2,
                positive=positive,
                fit_intercept=fit_intercept,
                inner_tol=0.3 * gap / n_classes,
                max_epochs=max_epochs,
            )
            dz = _matvec(X, dw) + db
            pen_k = _penalty(wk, l1, l2)
            slope = (sw @ ((P[:, k] - U[:, k]) * dz)) / total + (
                _penalty(wk + dw, l1, l2) - pen_k
            )
            slope = min(slope, 0.0)  # rounding on tiny steps (see binary)

            pen_rest = _penalty(W, l1, l2) - pen_k

            def objective(t, Z=Z, k=k, wk=wk, dw=dw, dz=dz, pen_rest=pen_rest):
                Zt = Z.copy()
                Zt[:, k] += t * dz
                return (
                    _multinomial_loss(Zt, U, sw)
                    + pen_rest
                    + _penalty(wk + t * dw, l1, l2)
                )

            t, _ = _line_search(objective, f0, slope)
            if t == 0.0:
                continue
            W[k] = wk + t * dw
            b[k] += t * db
            Z[:, k] += t * dz
        if l1 > 0 or l2 > 0:
            shift = _symmetrize(W, l1, l2)
            if np.any(shift != 0):
                W -= shift.astype(W.dtype)
                Z -= _matvec(X, shift)[:, None]
    # The softmax ignores a common shift of the intercepts: report the
    # representative with zero mean, so the fitted model is unique.
    b = b - b.mean()
    return LogisticSolution(W, b, float(gap), n_iter, converged, tol_abs)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """L1, L2 and elastic-net penalized logistic regression.

    Minimises the mean (weighted) logistic loss plus the elastic-net penalty
    (see the module docstring for the exact objective). Two classes: a binary
    model with one coefficient row; three or more: a multinomial (softmax)
    model with one row per class, not one-vs-rest.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0. scikit-learn's ``C`` maps to
        ``alpha = 1 / (n_samples * C)``; glmnet's ``lambda`` is ``alpha``.
    l1_ratio : float in [0, 1], default=1.0
        1 is the L1 (sparse) penalty, 0 the L2 penalty.
    fit_intercept : bool, default=True
    tol : float, default=1e-4
        Stop when the duality gap is <= ``tol`` times the loss of the best
        constant model (the entropy of the class frequencies).
    max_iter : int, default=100
        Maximum number of proximal Newton iterations (one per class row and
        iteration for multinomial models).
    max_epochs : int, default=1000
        Epoch limit of each inner coordinate-descent solve.
    warm_start : bool, default=False

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Proximal Newton iterations run.
    dual_gap_ : float
        Duality gap at exit (a certificate of suboptimality).
    n_features_in_ : int
    """

    def __init__(
        self,
        alpha: float = 1.0,
        l1_ratio: float = 1.0,
        *,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 100,
        max_epochs: int = 1000,
        warm_start: bool = False,
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.max_epochs = max_epochs
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSC/CSR/COO are fitted without densifying
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Labels of any type; at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        check_nonnegative_real(self.alpha, "alpha")
        check_fraction(self.l1_ratio, "l1_ratio")
        check_bool(self.fit_intercept, "fit_intercept")
        check_nonnegative_real(self.tol, "tol")
        check_positive_int(self.max_iter, "max_iter")
        check_positive_int(self.max_epochs, "max_epochs")
        check_bool(self.warm_start, "warm_start")
        X, classes, y_enc, sw = validate_classification_data(self, X, y, sample_weight)
        warm = (
            self.warm_start
            and getattr(self, "coef_", None) is not None
            and (len(getattr(self, "classes_", [])) == len(classes))
        )
        solution = solve_logistic(
            as_design(X),
            X,
            y_enc,
            len(classes),
            sw,
            l1=self.alpha * self.l1_ratio,
            l2=self.alpha * (1.0 - self.l1_ratio),
            fit_intercept=self.fit_intercept,
            max_iter=self.max_iter,
            tol=self.tol,
            max_epochs=self.max_epochs,
            coef_init=self.coef_ if warm else None,
            intercept_init=self.intercept_ if warm else None,
        )
        if not solution.converged:
            warnings.warn(
                f"Proximal Newton did not converge in max_iter={self.max_iter} "
                f"iterations: duality gap {solution.dual_gap:.3e} > tolerance "
                f"{solution.tol:.3e}. Increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self._set_fitted(solution, classes)

    def _set_fitted(self, solution: LogisticSolution, classes: np.ndarray):
        """Fitted attributes from a solution (shared with the CV estimator)."""
        self.classes_ = classes
        self.coef_ = solution.coef
        self.intercept_ = (
            solution.intercept
            if self.fit_intercept
            else np.zeros(solution.coef.shape[0])
        )
        self.dual_gap_ = solution.dual_gap
        self.n_iter_ = solution.n_iter
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Linear predictor: (n_samples,) for binary, (n_samples, n_classes) else."""
        check_is_fitted(self)
        X = validate_predict_data(self, X)
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = expit(scores)
            return np.column_stack([1.0 - p1, p1])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`, computed stably."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack(
                [-np.logaddexp(0, scores), -np.logaddexp(0, -scores)]
            )
        return scores - logsumexp(scores, axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
