"""Benchopt-style comparison of shrinkage with its peers (issue 3).

Every solver is run over a ladder of its own tolerance settings on the same
problems; each returned solution is scored with one NumPy objective (the
scikit-learn elastic-net objective below), against a reference optimum P*
from very tight solves. For each target relative suboptimality
``(P - P*) / P* <= eps`` the time of the fastest setting that reaches it is
reported.

    P(w, b) = 1/(2n) ||y - X w - b||^2
              + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio) / 2 * ||w||^2

Usage (from the repository root)::

    python benchmarks/bench_peers.py --quick          # < 3 minutes
    python benchmarks/bench_peers.py                  # full run (hours)
    python benchmarks/bench_peers.py --problems dense-wide,leukemia \\
        --tasks lasso100,path --solvers shrinkage,sklearn,celer

See benchmarks/README.md for the methodology and each peer's convention.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gc
import json
import os
import platform
import signal
import sys
import time
import traceback
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = os.environ.get("SHRINKAGE_BENCH_DATA", "/work/shared/data")

ALL_SOLVERS = ["shrinkage", "sklearn", "celer", "skglm", "glmnet", "adelie", "glum"]
ALL_TASKS = ["lasso10", "lasso100", "enet100", "path", "enetpath"]
ALL_PROBLEMS = [
    "dense-wide",
    "dense-tall",
    "dense-mid",
    "sparse-wide",
    "sparse-tall",
    "leukemia",
    "riboflavin",
    "dorothea",
    "rcv1",
    "basehock",
    "pcmac",
    "relathe",
    "cadata",
]
QUICK_PROBLEMS = ["dense-wide", "sparse-wide", "leukemia"]
QUICK_TASKS = ["lasso100", "path"]

# Synthetic sizes: (n, p, density); density None means dense.
FULL_SIZES: dict[str, tuple[int, int, float | None]] = {
    "dense-wide": (500, 5000, None),
    "dense-tall": (100_000, 200, None),
    "dense-mid": (5000, 2000, None),
    "sparse-wide": (20_000, 100_000, 1e-3),
    "sparse-tall": (100_000, 1000, 1e-2),
}
QUICK_SIZES: dict[str, tuple[int, int, float | None]] = {
    "dense-wide": (150, 1500, None),
    "dense-tall": (10_000, 100, None),
    "dense-mid": (1000, 500, None),
    "sparse-wide": (1000, 5000, 4e-3),
    "sparse-tall": (10_000, 300, 1e-2),
}
REAL_FILES = {
    "leukemia": "leukemia.npz",
    "riboflavin": "riboflavin.npz",
    "dorothea": "dorothea.npz",
    "rcv1": "rcv1-vw-1k.npz",
    "basehock": "basehock.npz",
    "pcmac": "pcmac.npz",
    "relathe": "relathe.npz",
    "cadata": "cadata.npz",
}

TOL_LADDER = [10.0 ** (-k) for k in range(2, 15)]  # 1e-2 ... 1e-14


def tol_ladder(steps: int) -> list[float]:
    """1e-2 ... 1e-14 with ``steps`` settings per decade, loose to tight.

    One per decade (the default) can overstate a solver's time to a target
    by up to a decade's worth of work, when its solution at one setting
    falls just short and the next setting overshoots; benchopt's tolerance
    sampling divides tol by 1.5 between runs. More steps per decade narrow
    that for every solver alike, at the cost of more runs.
    """
    return [10.0 ** (-2.0 - i / steps) for i in range(12 * steps + 1)]


LADDER_MAX_ITER = 10_000  # epoch cap of the epoch-counted solvers
PSTAR_TOL = 1e-14
PSTAR_MAX_ITER = 100_000


def log(msg: str) -> None:
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Objective (the one used for every solver)
# --------------------------------------------------------------------------


def enet_objective(X, y, coef, intercept, alpha, l1_ratio) -> float:
    """P(w, b) above, in float64, for dense or sparse X."""
    w = np.asarray(coef, dtype=np.float64).ravel()
    r = np.asarray(y, dtype=np.float64) - np.asarray(X @ w).ravel() - float(intercept)
    return float(
        0.5 * np.mean(r * r)
        + alpha * l1_ratio * np.abs(w).sum()
        + 0.5 * alpha * (1.0 - l1_ratio) * (w @ w)
    )


# --------------------------------------------------------------------------
# Problems and tasks
# --------------------------------------------------------------------------


@dataclass
class Problem:
    name: str
    X: Any  # Fortran-ordered ndarray or CSC matrix
    y: np.ndarray
    synthetic: bool

    @property
    def sparse(self) -> bool:
        return sp.issparse(self.X)

    @property
    def shape_str(self) -> str:
        n, p = self.X.shape
        if self.sparse:
            return f"{n}x{p} sparse ({self.X.nnz / (n * p):.1e})"
        return f"{n}x{p} dense"


def ar1_design(n: int, p: int, rho: float, rng) -> np.ndarray:
    """Columns x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j: corr(x_j, x_k) = rho^|j-k|."""
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1.0 - rho * rho)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + scale * rng.standard_normal(n)
    return X


def sparse_design(n: int, p: int, density: float, rng) -> sp.csc_matrix:
    """Gaussian values at uniformly random positions (duplicates summed)."""
    k = int(round(n * p * density))
    rows = rng.integers(0, n, size=k)
    cols = rng.integers(0, p, size=k)
    X = sp.coo_matrix((rng.standard_normal(k), (rows, cols)), shape=(n, p)).tocsc()
    X.sum_duplicates()
    X.sort_indices()
    return X


def synthetic_signal(size: tuple[int, int, float | None], seed=0):
    """A synthetic design and the signal X @ w of a sparse random w.

    X is dense AR(1) (rho 0.6) when the density is None, else uniformly
    sparse CSC; w has max(1, min(n, p) // 10) non-zeros of random sign and
    magnitude in [1, 2]. Returns (X, signal, rng), the generator left where
    the caller draws its noise or labels (this script's regression targets,
    bench_logistic.py's labels).
    """
    n, p, density = size
    rng = np.random.default_rng(seed)
    X = (
        ar1_design(n, p, 0.6, rng)
        if density is None
        else sparse_design(n, p, density, rng)
    )
    k = max(1, min(n, p) // 10)
    w = np.zeros(p)
    support = rng.choice(p, size=k, replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(1.0, 2.0, size=k)
    return X, np.asarray(X @ w).ravel(), rng


def make_synthetic(name: str, size: tuple[int, int, float | None], seed=0) -> Problem:
    X, signal, rng = synthetic_signal(size, seed)
    noise_sd = np.std(signal) / 3.0 if np.std(signal) > 0 else 1.0  # SNR 3
    y = signal + noise_sd * rng.standard_normal(X.shape[0]) + 1.0
    return Problem(name, X, y, True)


def load_npz(path: str) -> tuple[sp.csr_matrix, np.ndarray]:
    """X (CSR, as stored) and y of a shared data set (``../shared/data``)."""
    d = np.load(path)
    X = sp.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
    return X, np.asarray(d["y"], dtype=np.float64)


def load_real(name: str, data_dir: str) -> Problem:
    X, y = load_npz(os.path.join(data_dir, REAL_FILES[name]))
    n, p = X.shape
    if X.nnz > 0.5 * n * p:  # dense sets (density ~1)
        Xd = np.asfortranarray(X.toarray())
        if name == "cadata":
            Xd = np.asfortranarray((Xd - Xd.mean(0)) / Xd.std(0))
        return Problem(name, Xd, y, False)
    return Problem(name, X.tocsc(), y, False)


def parse_sizes(items: list[str]) -> dict[str, tuple[int, int, float | None]]:
    """``name=NxP`` or ``name=NxP@density``."""
    out = {}
    for item in items:
        name, spec = item.split("=")
        density = None
        if "@" in spec:
            spec, dens = spec.split("@")
            density = float(dens)
        n, p = (int(v) for v in spec.lower().split("x"))
        out[name] = (n, p, density)
    return out


@dataclass
class Task:
    name: str
    l1_ratio: float
    fraction: float  # alpha = fraction * alpha_max (single-alpha tasks)
    path: bool = False
    fit_intercept: bool = True


def make_tasks(n_path_alphas: int) -> dict[str, Task]:
    return {
        "lasso10": Task("lasso10", 1.0, 0.1),
        "lasso100": Task("lasso100", 1.0, 0.01),
        "enet100": Task("enet100", 0.5, 0.01),
        # The path tasks fit no intercept (the convention of every peer's
        # path function: sklearn/celer/skglm paths assume centred data).
        "path": Task("path", 1.0, 1e-3, path=True, fit_intercept=False),
        # Elastic-net path, l1_ratio 0.5, grid from that l1_ratio's alpha_max.
        "enetpath": Task("enetpath", 0.5, 1e-3, path=True, fit_intercept=False),
    }


def alpha_max(X, y, l1_ratio: float, fit_intercept: bool) -> float:
    yc = y - y.mean() if fit_intercept else y
    corr = np.asarray(X.T @ yc).ravel()  # X^T yc is centred when sum(yc) = 0
    return float(np.max(np.abs(corr)) / (len(y) * l1_ratio))


@dataclass
class Instance:
    """One (problem, task): the alphas and the reference optimum P*."""

    problem: Problem
    task: Task
    alphas: np.ndarray  # one alpha, or the decreasing path grid
    amax: float
    pstar: np.ndarray = field(default_factory=lambda: np.zeros(0))
    info: dict = field(default_factory=dict)

    @property
    def alpha(self) -> float:
        return float(self.alphas[-1])


def make_instance(problem: Problem, task: Task, n_path_alphas: int) -> Instance:
    amax = alpha_max(problem.X, problem.y, task.l1_ratio, task.fit_intercept)
    if task.path:
        alphas = np.geomspace(amax, amax * task.fraction, n_path_alphas)
    else:
        alphas = np.array([amax * task.fraction])
    return Instance(problem, task, alphas, amax)


def objectives(inst: Instance, result) -> np.ndarray:
    """Objective of a solver's output at every alpha of the instance."""
    X, y, t = inst.problem.X, inst.problem.y, inst.task
    if t.path:
        coefs, intercepts = result
        return np.array(
            [
                enet_objective(X, y, coefs[:, k], intercepts[k], a, t.l1_ratio)
                for k, a in enumerate(inst.alphas)
            ]
        )
    coef, intercept = result
    return np.array([enet_objective(X, y, coef, intercept, inst.alpha, t.l1_ratio)])


def suboptimality(inst: Instance, objs: np.ndarray) -> float:
    """max over alphas of (P - P*) / |P*|."""
    rel = (objs - inst.pstar) / np.abs(inst.pstar)
    return float(np.max(rel))


# --------------------------------------------------------------------------
# Solvers
# --------------------------------------------------------------------------


class Skip(Exception):
    """A solver declines a problem (documented reason, not an error)."""


class Solver:
    name = ""
    module = ""
    tols = TOL_LADDER

    def version(self) -> str:
        mod = __import__(self.module)
        return str(getattr(mod, "__version__", "?"))

    def prepare(self, problem: Problem):
        """Untimed, once per problem: the input format the solver prefers."""
        return problem.X

    def check(self, problem: Problem, task: Task) -> None:
        """Raise Skip when the solver cannot run this problem."""

    def fit(self, Xp, inst: Instance, tol: float, max_iter: int = LADDER_MAX_ITER):
        """(coef, intercept) for a single alpha, (coefs (p, K), intercepts (K,))
        for a path."""
        raise NotImplementedError


class Ours(Solver):
    name, module = "shrinkage", "shrinkage"

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import shrinkage

        t, y = inst.task, inst.problem.y
        if t.path:
            _, coefs, _ = shrinkage.enet_path(
                Xp,
                y,
                l1_ratio=t.l1_ratio,
                alphas=inst.alphas,
                fit_intercept=False,
                tol=tol,
                max_iter=max_iter,
            )
            return coefs, np.zeros(coefs.shape[1])
        model = shrinkage.ElasticNet(
            alpha=inst.alpha,
            l1_ratio=t.l1_ratio,
            fit_intercept=t.fit_intercept,
            tol=tol,
            max_iter=max_iter,
        ).fit(Xp, y)
        return model.coef_, model.intercept_


class Sklearn(Solver):
    name, module = "sklearn", "sklearn"

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        from sklearn.linear_model import ElasticNet, enet_path

        t, y = inst.task, inst.problem.y
        if t.path:
            _, coefs, _ = enet_path(
                Xp,
                y,
                l1_ratio=t.l1_ratio,
                alphas=inst.alphas,
                tol=tol,
                max_iter=max_iter,
            )
            return coefs, np.zeros(coefs.shape[1])
        model = ElasticNet(
            alpha=inst.alpha,
            l1_ratio=t.l1_ratio,
            fit_intercept=t.fit_intercept,
            tol=tol,
            max_iter=max_iter,
        ).fit(Xp, y)
        return model.coef_, model.intercept_


class Celer(Solver):
    name, module = "celer", "celer"

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import celer

        t, y = inst.task, inst.problem.y
        if t.path:
            _, coefs, _ = celer.celer_path(
                Xp,
                y,
                "lasso",
                alphas=inst.alphas,
                l1_ratio=t.l1_ratio,
                tol=tol,
                max_iter=1000,
                max_epochs=max_iter,
            )
            return coefs, np.zeros(coefs.shape[1])
        model = celer.ElasticNet(
            alpha=inst.alpha,
            l1_ratio=t.l1_ratio,
            fit_intercept=t.fit_intercept,
            tol=tol,
            max_iter=1000,
            max_epochs=max_iter,
        ).fit(Xp, y)
        return model.coef_, model.intercept_


class Skglm(Solver):
    name, module = "skglm", "skglm"

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import skglm

        t, y = inst.task, inst.problem.y
        kwargs = dict(
            fit_intercept=t.fit_intercept,
            tol=tol,
            max_iter=1000,
            max_epochs=max_iter,
        )
        if t.l1_ratio == 1.0:
            model = skglm.Lasso(alpha=inst.alpha, **kwargs)
        else:
            model = skglm.ElasticNet(alpha=inst.alpha, l1_ratio=t.l1_ratio, **kwargs)
        if t.path:
            # skglm's path: warm-started AndersonCD solves along the grid.
            out = model.path(Xp, y, inst.alphas)
            coefs = out[1][: Xp.shape[1]]
            return coefs, np.zeros(coefs.shape[1])
        model.fit(Xp, y)
        return model.coef_, model.intercept_


def glmnet_params(alpha: float, l1_ratio: float, y: np.ndarray) -> tuple[float, float]:
    """(lambda, alpha_glmnet) giving our (alpha, l1_ratio) in python-glmnet.

    glmnet's gaussian solver standardises y internally (ys = population std of
    y) and applies the penalty on that scale, so with standardize=False its
    objective is 1/(2n) RSS + lam * a ||w||_1 + lam * (1 - a) / (2 ys) ||w||^2
    (verified by the objective). Hence lam * a = alpha * l1_ratio and
    lam * (1 - a) = ys * alpha * (1 - l1_ratio). Lasso: lam = alpha, a = 1.
    """
    ys = float(np.std(y))
    l1 = alpha * l1_ratio
    lam = l1 + ys * alpha * (1.0 - l1_ratio)
    return lam, l1 / lam


class Glmnet(Solver):
    name, module = "glmnet", "glmnet"
    short_path = 10  # single-alpha tasks: glmnet solves a short path to alpha

    def prepare(self, problem):
        return problem.X.tocsr() if problem.sparse else problem.X

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import glmnet

        t, y = inst.task, inst.problem.y
        if t.path:
            lam, a = glmnet_params(1.0, t.l1_ratio, y)
            lambdas = inst.alphas * lam
        else:
            lam, a = glmnet_params(inst.alpha, t.l1_ratio, y)
            lam_max = inst.amax * t.l1_ratio / a
            lambdas = np.geomspace(lam_max, lam, self.short_path)
        model = glmnet.ElasticNet(
            alpha=a,
            lambda_path=lambdas,
            standardize=False,
            fit_intercept=t.fit_intercept,
            tol=tol,
            max_iter=100 * max_iter,
            n_splits=0,
        ).fit(Xp, y)
        if model.coef_path_.shape[1] != len(lambdas):
            raise RuntimeError(
                f"glmnet returned {model.coef_path_.shape[1]} of {len(lambdas)} lambdas"
            )
        if t.path:
            return model.coef_path_, np.asarray(model.intercept_path_)
        return model.coef_path_[:, -1], float(model.intercept_path_[-1])


class Adelie(Solver):
    name, module = "adelie", "adelie"
    short_path = 10

    def __init__(self, threads: int = 1):
        self.threads = threads

    def prepare(self, problem):
        import adelie as ad

        if problem.sparse:
            return ad.matrix.sparse(problem.X, n_threads=self.threads)
        return ad.matrix.dense(problem.X, n_threads=self.threads)

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import adelie as ad

        t, y = inst.task, inst.problem.y
        # adelie: loss 1/2 sum_i w_i (y_i - eta_i)^2 with w_i = 1/n and penalty
        # lmda * (a ||b||_1 + (1 - a)/2 ||b||^2) for groups of size 1 (penalty
        # factor sqrt(1) = 1): lmda = our alpha, a = l1_ratio.
        if t.path:
            lmdas = inst.alphas
        else:
            lmdas = np.geomspace(inst.amax, inst.alpha, self.short_path)
        state = ad.solver.grpnet(
            Xp,
            ad.glm.gaussian(y),
            alpha=t.l1_ratio,
            lmda_path=lmdas,
            tol=tol,
            max_iters=100 * max_iter,
            early_exit=False,
            intercept=t.fit_intercept,
            progress_bar=False,
            n_threads=self.threads,
        )
        betas = state.betas.toarray()
        if betas.shape[0] != len(lmdas):
            raise RuntimeError(f"adelie returned {betas.shape[0]} of {len(lmdas)}")
        if t.path:
            return betas.T, np.asarray(state.intercepts)
        return betas[-1], float(state.intercepts[-1])


class Glum(Solver):
    name, module = "glum", "glum"
    hessian_limit = 2e9  # bytes

    def check(self, problem, task):
        p = problem.X.shape[1]
        nbytes = 8.0 * (p + 1) ** 2
        if nbytes > self.hessian_limit:
            raise Skip(
                f"irls-cd allocates a dense (p+1)^2 Hessian ({nbytes / 1e9:.0f} GB)"
            )

    def fit(self, Xp, inst, tol, max_iter=LADDER_MAX_ITER):
        import glum

        t, y = inst.task, inst.problem.y
        common = dict(
            family="normal",
            l1_ratio=t.l1_ratio,
            solver="irls-cd",
            gradient_tol=tol,
            fit_intercept=t.fit_intercept,
            max_iter=1000,
            max_inner_iter=max_iter * 10,
        )
        if t.path:
            model = glum.GeneralizedLinearRegressor(
                alpha_search=True, alphas=inst.alphas, **common
            ).fit(Xp, y)
            coefs = np.asarray(model.coef_path_)[:, -Xp.shape[1] :].T
            return coefs, np.zeros(coefs.shape[1])
        model = glum.GeneralizedLinearRegressor(alpha=inst.alpha, **common).fit(Xp, y)
        return model.coef_, float(model.intercept_)


def make_solvers(names: list[str], threads: int) -> tuple[list[Solver], dict]:
    classes = {
        "shrinkage": Ours,
        "sklearn": Sklearn,
        "celer": Celer,
        "skglm": Skglm,
        "glmnet": Glmnet,
        "adelie": Adelie,
        "glum": Glum,
    }
    solvers, failed = [], {}
    for name in names:
        if name not in classes:
            raise SystemExit(f"unknown solver {name!r}; choose from {ALL_SOLVERS}")
        solver = classes[name](threads) if name == "adelie" else classes[name]()
        try:
            __import__(solver.module)
        except Exception as exc:  # reported, not dropped
            failed[name] = f"import failed: {type(exc).__name__}: {exc}"
            log(f"{name}: {failed[name]}")
            continue
        solvers.append(solver)
    return solvers, failed


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


class RunTimeout(Exception):
    """A run exceeded --timeout (raised from a SIGALRM handler)."""


def _alarm(signum, frame):
    raise RunTimeout


def timed(fn: Callable[[], Any], timeout: float = 0.0) -> tuple[float, Any]:
    """Wall time of ``fn()`` (warnings silenced).

    With ``timeout > 0`` a SIGALRM interrupts the run: a soft limit, effective
    as soon as the solver returns to Python bytecode (between its outer
    iterations or path steps; not inside one compiled call).
    """
    gc.collect()
    use_alarm = timeout > 0 and hasattr(signal, "setitimer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if use_alarm:
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            t0 = time.perf_counter()
            out = fn()
            elapsed = time.perf_counter() - t0
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    return elapsed, out


def compute_pstar(
    inst: Instance, Xp_ours, Xp_sk, check: bool, sk_max_iter: int = LADDER_MAX_ITER
) -> None:
    """P* = min(ours at tol 1e-14, sklearn at tol 1e-14); record both."""
    ours, sk = Ours(), Sklearn()
    t_ours, res = timed(lambda: ours.fit(Xp_ours, inst, PSTAR_TOL, PSTAR_MAX_ITER))
    p_ours = objectives(inst, res)
    info = {"ours_time": t_ours, "P_ours": p_ours.tolist()}
    pstar = p_ours.copy()
    if check:
        # Path: cross-check on every k-th alpha only (about 10 alphas, solved
        # as sklearn's own warm-started path): a tight sklearn path over the
        # full grid can take longer than the whole benchmark of that row.
        sub = np.arange(len(inst.alphas))
        if inst.task.path:
            sub = sub[:: max(1, len(sub) // 10)]
        sub_inst = Instance(inst.problem, inst.task, inst.alphas[sub], inst.amax)
        try:
            t_sk, res_sk = timed(
                lambda: sk.fit(Xp_sk, sub_inst, PSTAR_TOL, sk_max_iter)
            )
            p_sk = objectives(sub_inst, res_sk)
            rel = (p_ours[sub] - p_sk) / np.abs(p_sk)
            info.update(
                sk_time=t_sk,
                P_sk=p_sk.tolist(),
                max_rel_diff=float(np.max(np.abs(rel))),
                ours_minus_sk=float(np.max(rel)),
            )
            pstar[sub] = np.minimum(pstar[sub], p_sk)
        except Exception as exc:
            info["sk_error"] = f"{type(exc).__name__}: {exc}"
    inst.pstar = pstar
    inst.info = info


@dataclass
class Rung:
    tol: float
    times: list
    subopt: float
    error: str = ""

    @property
    def median(self) -> float:
        return float(np.median(self.times)) if self.times else float("nan")


def run_ladder(
    solver: Solver, Xp, inst: Instance, args, eps_stop: float
) -> tuple[list[Rung], str]:
    """Run the tolerance ladder loose -> tight; returns the rungs and a note.

    Stops after the first rung that reaches ``eps_stop`` (tighter settings are
    slower), when a run exceeds --max-run-seconds or the solver's cumulative
    time for this instance exceeds --budget, or when 3 rungs in a row improve
    the suboptimality by less than 2x at tol <= 1e-8 (stalled). A run cut by
    --timeout ends the ladder too.
    """
    rungs: list[Rung] = []
    spent, note, best, stall = 0.0, "", np.inf, 0
    for tol in solver.tols:
        try:
            elapsed, res = timed(
                lambda tol=tol: solver.fit(Xp, inst, tol), args.timeout
            )
        except RunTimeout:
            log(f"  {solver.name} tol={tol:g} timed out after {args.timeout:g} s")
            rungs.append(Rung(tol, [], np.nan, f"timeout ({args.timeout:g} s)"))
            note = f"timeout {args.timeout:g} s"
            break
        except Exception as exc:
            msg = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
            log(f"  {solver.name} tol={tol:g} error: {msg}")
            if args.debug:
                traceback.print_exc()
            rungs.append(Rung(tol, [], np.nan, msg))
            note = "error"
            break
        objs = objectives(inst, res)
        sub = suboptimality(inst, objs)
        times = [elapsed]
        spent += elapsed
        if elapsed < args.repeat_cap:
            for _ in range(args.repeat - 1):
                more, _ = timed(lambda tol=tol: solver.fit(Xp, inst, tol))
                times.append(more)
                spent += more
        rungs.append(Rung(tol, times, sub))
        log(
            f"  {solver.name:9s} tol={tol:8.2e} {np.median(times):9.4f} s "
            f"subopt={sub:.2e}"
        )
        if sub <= eps_stop:
            note = "reached"
            break
        # stalled: three decades' worth of settings without halving
        if sub < best / 2.0 ** (1.0 / args.ladder_steps):
            best, stall = sub, 0
        elif tol <= 1e-8:  # loose settings may legitimately improve slowly
            stall += 1
            if stall >= 3 * args.ladder_steps:
                note = "stalled"
                break
        if elapsed > args.max_run_seconds:
            note = f"run > {args.max_run_seconds:g} s"
            break
        if spent > args.budget:
            note = f"budget {args.budget:g} s spent"
            break
    return rungs, note


def time_to_target(rungs: list[Rung], eps: float) -> float | None:
    ok = [r.median for r in rungs if r.times and r.subopt <= eps]
    return min(ok) if ok else None


def best_subopt(rungs: list[Rung]) -> float:
    subs = [r.subopt for r in rungs if r.times]
    return min(subs) if subs else float("nan")


# --------------------------------------------------------------------------
# Warm-up and convention check on tiny problems
# --------------------------------------------------------------------------


def tiny_problems() -> list[Problem]:
    rng = np.random.default_rng(1)
    Xd = ar1_design(60, 150, 0.6, rng)
    w = np.zeros(150)
    w[:5] = 2.0
    yd = Xd @ w + rng.standard_normal(60) + 1.0
    Xs = sparse_design(120, 300, 0.05, rng)
    ws = np.zeros(300)
    ws[:10] = 1.0
    ys = Xs @ ws + 0.3 * rng.standard_normal(120) + 1.0
    return [Problem("tiny-dense", Xd, yd, True), Problem("tiny-sparse", Xs, ys, True)]


def warm_up(solvers, tasks, n_path_alphas):
    """First call (JIT compilation for numba-based peers) on tiny problems,
    then a convention check: suboptimality of each solver's tightest setting
    (tol 1e-13) against our tol=1e-14 solve."""
    first_call, warm_total, check = {}, {}, {}
    problems = tiny_problems()
    task_list = list(tasks.values())
    for solver in solvers:
        total = 0.0
        for problem in problems:
            for task in task_list:
                inst = make_instance(problem, task, min(n_path_alphas, 20))
                try:
                    solver.check(problem, task)
                    Xp = solver.prepare(problem)
                    elapsed, _ = timed(
                        lambda s=solver, Xp=Xp, i=inst: s.fit(Xp, i, 1e-4)
                    )
                except Skip:
                    continue
                except Exception as exc:
                    check[(solver.name, problem.name, task.name)] = (
                        f"error: {type(exc).__name__}: {exc}"[:120]
                    )
                    continue
                total += elapsed
                if solver.name not in first_call:
                    first_call[solver.name] = elapsed
        warm_total[solver.name] = total
    for problem in problems:
        for task in task_list:
            inst = make_instance(problem, task, min(n_path_alphas, 20))
            compute_pstar(inst, problem.X, problem.X, check=False)
            for solver in solvers:
                key = (solver.name, problem.name, task.name)
                if key in check:
                    continue
                try:
                    solver.check(problem, task)
                    Xp = solver.prepare(problem)
                    _, res = timed(lambda s=solver, Xp=Xp, i=inst: s.fit(Xp, i, 1e-13))
                    check[key] = suboptimality(inst, objectives(inst, res))
                except Skip as exc:
                    check[key] = f"skipped: {exc}"
                except Exception as exc:
                    check[key] = f"error: {type(exc).__name__}: {exc}"[:120]
    return first_call, warm_total, check


# --------------------------------------------------------------------------
# Floor (one epoch vs one X^T r) and memory
# --------------------------------------------------------------------------


def median_time(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def floor_row(problem: Problem, reps: int) -> dict:
    """Cost of one full coordinate-descent epoch of ours vs one X^T r.

    The compiled kernel is called directly with working sets, screening and
    Anderson extrapolation off, tol = -1 (never converges) and first_check =
    gap_freq = max_iter = k, so one call runs: one gap evaluation, k epochs
    over all features, one gap evaluation (runs before 2026-11-30's
    peers_floor14 had checks after 1, 3 and 7 of the 11 epochs as well, and
    their epoch included 0.3 gap evaluations). epoch = (T(k=11) - T(k=1)) / 10, and one
    gap evaluation (gradient X^T r on all features + dual objective) is
    (T(1) - epoch) / 2. Started at w = 0 with alpha = alpha_max / 100, so the
    timed epochs 2..11 update many coordinates (each nonzero update costs an
    extra axpy on the residual): the expensive, early phase of a solve.
    """
    from shrinkage._kernels._enet import enet_coordinate_descent
    from sklearn.base import BaseEstimator

    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design, validate_regression_data

    X, y = problem.X, problem.y
    Xv, yv, _ = validate_regression_data(BaseEstimator(), X, y)
    design = as_design(Xv)
    stats = design_stats(design, None, True)
    amax = alpha_max(X, y, 1.0, True)
    empty = np.empty(0, dtype=yv.dtype)
    last_coef = {}

    def call(k: int, l1: float, record: bool = True):
        coef = np.zeros(design.n_features, dtype=yv.dtype)
        enet_coordinate_descent(
            *design.kernel_args(),
            yv,
            empty,
            coef,
            stats[0],
            stats[1],
            l1,
            0.0,
            False,
            True,
            k,
            -1.0,
            use_working_set=False,
            use_screening=False,
            gap_freq=k,
            first_check=k,
            anderson_depth=0,
        )
        if record:  # nnz(w) is that of the timed epochs, not of the dots-only run
            last_coef[k] = coef

    from shrinkage._kernels import set_simd

    r = np.asarray(y - y.mean(), dtype=np.float64)
    XT = X.T  # C-ordered view of F-ordered X (gemv), or CSR view of CSC
    portable = bool(set_simd(None)) and not problem.sparse

    def once(fn) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    # Every quantity is measured once per round, the rounds interleaved, and
    # each ratio taken within its round: the machine's speed drifts (X^T r
    # alone moved by 1.5x between two runs a minute apart), and a ratio of
    # medians taken minutes apart carries that drift.
    rounds: dict[str, list[float]] = {
        k: [] for k in ("xtr", "epoch", "gap", "dots", "portable", "ratio")
    }
    for _ in range(reps):
        t_xtr = min(once(lambda: XT @ r) for _ in range(3))
        t1 = once(lambda: call(1, amax / 100))
        t11 = once(lambda: call(11, amax / 100))
        epoch = (t11 - t1) / 10
        rounds["xtr"].append(t_xtr)
        rounds["epoch"].append(epoch)
        rounds["gap"].append((t1 - epoch) / 2)
        rounds["ratio"].append(epoch / t_xtr)
        # alpha > alpha_max: every update is zero, an epoch is p column dots.
        d1 = once(lambda: call(1, 2 * amax, record=False))
        d11 = once(lambda: call(11, 2 * amax, record=False))
        rounds["dots"].append((d11 - d1) / 10)
        # The same epoch with the portable column kernels, when the AVX2
        # ones ran (dense X only: CSC columns have no AVX2 kernels).
        if portable:
            try:
                set_simd(False)
                p1 = once(lambda: call(1, amax / 100))
                p11 = once(lambda: call(11, amax / 100))
            finally:
                set_simd(True)
            rounds["portable"].append((p11 - p1) / 10)
    med = {k: float(np.median(v)) if v else None for k, v in rounds.items()}
    nnz_w = int(np.count_nonzero(last_coef[11]))
    t_xtr, epoch, gap = med["xtr"], med["epoch"], med["gap"]
    epoch_dots, epoch_portable = med["dots"], med["portable"]
    return {
        "problem": problem.name,
        "shape": problem.shape_str,
        "xtr": t_xtr,
        "epoch": epoch,
        "gap": gap,
        "ratio": med["ratio"],
        "epoch_dots": epoch_dots,
        "nnz_w": nnz_w,
        "epoch_portable": epoch_portable,
    }


def gram_floor_row(problem: Problem, reps: int) -> dict | None:
    """What forming the Gram matrix costs, where ours solves in Gram mode.

    For dense X with n > p (``use_gram(X, "auto", path=True)``) our paths,
    and for n >= 10 p our single fits, run on X^T X and X^T y (the table
    lists only the tasks that ours runs in Gram mode): no solver
    that forms them can take less than their cost, the floor here. NumPy's
    ``X.T @ X`` (BLAS ``?syrk``: n p (p + 1) / 2 multiply-adds, the least a
    dense product needs) and ``X.T @ y`` (``?gemv``), single-threaded, each
    the fastest of 3 calls per round, the median over the rounds. None
    where ours does not use Gram mode.
    """
    from shrinkage._gram import use_gram

    X, y = problem.X, problem.y
    if not use_gram(X, "auto", path=True):
        return None
    XT = X.T
    rounds: dict[str, list[float]] = {"xtx": [], "xty": []}

    def fastest(fn) -> float:
        best = np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        return best

    for _ in range(reps):
        rounds["xtx"].append(fastest(lambda: XT @ X))
        rounds["xty"].append(fastest(lambda: XT @ y))
    xtx, xty = (float(np.median(rounds[k])) for k in ("xtx", "xty"))
    return {
        "problem": problem.name,
        "shape": problem.shape_str,
        "single": bool(use_gram(X, "auto")),  # single fits in Gram mode too
        "xtx": xtx,
        "xty": xty,
        "floor": xtx + xty,
    }


def gram_floor_lines(state: dict) -> list[str]:
    """The Gram floor's section of the report (empty without rows)."""
    rows = state.get("gram_floor", [])
    if not rows:
        return []
    results = state["results"]
    out = [
        "## Gram-mode floor: forming X^T X and X^T y",
        "",
        "Where ours runs on the Gram matrix (dense X, n > p), no solver that "
        "forms X^T X and X^T y takes less than doing so: X^T X = NumPy "
        "`X.T @ X` (BLAS syrk), X^T y = gemv, single-threaded, each the "
        "fastest of 3 calls, medians over 9 rounds (3 with --quick). 'ours / "
        "floor' is how close ours is to that cost; 'sklearn / floor' is the "
        "largest sklearn / ours ratio that a solver forming X^T X could "
        "reach on that row (times to the target, from the tables above).",
        "",
        "| problem | shape | X^T X | X^T y | floor |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        out.append(
            f"| {row['problem']} | {row['shape']} | {fmt_time(row['xtx'])} | "
            f"{fmt_time(row['xty'])} | {fmt_time(row['floor'])} |"
        )
    out += [
        "",
        "| target | problem | task | ours | ours / floor | sklearn | sklearn / floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for eps in state["targets"]:
        for row in rows:
            pname = row["problem"]
            for tname in state["tasks"]:
                if not (state["task_objects"][tname].path or row["single"]):
                    continue  # a single fit that ours runs on X itself
                times = {}
                for solver in ("shrinkage", "sklearn"):
                    entry = results.get((pname, tname, solver))
                    if entry and "rungs" in entry:
                        times[solver] = time_to_target(entry["rungs"], eps)
                if times.get("shrinkage") is None:
                    continue
                ours, sk = times["shrinkage"], times.get("sklearn")
                out.append(
                    f"| {eps:g} | {pname} | {tname} | {fmt_time(ours)} | "
                    f"{ours / row['floor']:.2f} | "
                    + (
                        f"{fmt_time(sk)} | {sk / row['floor']:.2f} |"
                        if sk is not None
                        else "- | - |"
                    )
                )
    out.append("")
    return out


# The speed targets (see "Targets" in benchmarks/README.md): against
# scikit-learn, at least WIDE_SKLEARN x on the wide (p > n) rows' hard tasks
# and at least TALL_SKLEARN x on every tall (n > p) row, never slower; no
# peer faster on any row, and at least PEER_MOST x the fastest peer on most
# rows; one epoch at most EPOCH_FLOOR x one X^T r; no copy of X in memory.
WIDE_SKLEARN = 5.0
WIDE_TASKS = ("lasso100", "enet100", "path", "enetpath")
TALL_SKLEARN = 2.0
PEER_MOST = 1.5
EPOCH_FLOOR = 2.0


def _verdict(failed: list[str], total: int) -> str:
    if total == 0:
        return "no rows"
    if not failed:
        return f"met on {total} of {total} rows"
    return f"**not met** on {len(failed)} of {total} rows: " + ", ".join(failed)


def _ratio(results: dict, key: tuple, ours: float | None, eps: float):
    """A solver's time to ``eps`` over ours: inf when it never reached it,
    0 when ours did not, None when it did not run on that row."""
    entry = results.get(key)
    if not entry or "rungs" not in entry:
        return None
    t = time_to_target(entry["rungs"], eps)
    if ours is None:
        return 0.0
    return np.inf if t is None else t / ours


def target_lines(state: dict) -> list[str]:
    """The targets section: each target checked on the rows of this run.

    Ratios come from the tables above (times to each target suboptimality);
    a row where a solver reached no target counts as met against that
    solver (it is slower than any time of ours), one where ours reached
    none as missed. Wide and tall are p > n and n > p."""
    results, shapes = state["results"], state.get("shapes", {})
    peers = [s.name for s in state["solvers"] if s.name not in ("shrinkage", "sklearn")]
    out = [
        "## Targets",
        "",
        "Each target of the benchmark's issue, checked on this run's rows "
        "(ratios: the tables above; a peer that never reached the target "
        "counts as slower than ours, and ours missing it as a failed row). "
        f"scikit-learn: >= {WIDE_SKLEARN:g}x on the wide (p > n) rows' "
        f"{', '.join(WIDE_TASKS)} tasks, >= {TALL_SKLEARN:g}x on every tall "
        "(n > p) row, >= 1x everywhere. Fastest of the other peers ("
        + (", ".join(peers) or "none ran")
        + f"): >= 1x on every row, >= {PEER_MOST:g}x on most (over half). "
        f"One full epoch <= {EPOCH_FLOOR:g}x one X^T r (floor table). "
        "Memory: ours' peak below the bytes of X, so no copy of X (memory "
        "table). (The NumPy-reference target is measured by "
        "`python -m shrinkage bench`, not here.)",
        "",
        "| target | criterion | result |",
        "|---|---|---|",
    ]
    for eps in state["targets"]:
        wide, tall, slower, peer_fail, peer_most, peer_total = [], [], [], [], [], 0
        n_wide = n_tall = n_rows = 0
        for pname in state["problems_done"]:
            n, p = shapes.get(pname, (0, 0))
            for tname in state["tasks"]:
                entry = results.get((pname, tname, "shrinkage"))
                if entry is None or "rungs" not in entry:
                    continue
                row = f"{pname}/{tname}"
                ours = time_to_target(entry["rungs"], eps)
                sk = _ratio(results, (pname, tname, "sklearn"), ours, eps)
                if sk is not None:
                    n_rows += 1
                    if sk < 1.0:
                        slower.append(f"{row} ({sk:.2f}x)")
                    if p > n and tname in WIDE_TASKS:
                        n_wide += 1
                        if sk < WIDE_SKLEARN:
                            wide.append(f"{row} ({sk:.2f}x)")
                    if n > p:
                        n_tall += 1
                        if sk < TALL_SKLEARN:
                            tall.append(f"{row} ({sk:.2f}x)")
                others = {}
                for s in peers:
                    r = _ratio(results, (pname, tname, s), ours, eps)
                    if r is not None:
                        others[s] = r
                if others:
                    best = min(others, key=others.get)
                    peer_total += 1
                    if others[best] < 1.0:
                        peer_fail.append(f"{row} ({best} {others[best]:.2f}x)")
                    if others[best] < PEER_MOST:
                        peer_most.append(f"{row} ({best} {others[best]:.2f}x)")
        most_ok = peer_total > 0 and 2 * (peer_total - len(peer_most)) > peer_total
        out += [
            f"| {eps:g} | sklearn >= {WIDE_SKLEARN:g}x, wide hard tasks | "
            f"{_verdict(wide, n_wide)} |",
            f"| {eps:g} | sklearn >= {TALL_SKLEARN:g}x, tall rows | "
            f"{_verdict(tall, n_tall)} |",
            f"| {eps:g} | sklearn >= 1x, every row | {_verdict(slower, n_rows)} |",
            f"| {eps:g} | fastest other peer >= 1x, every row | "
            f"{_verdict(peer_fail, peer_total)} |",
            f"| {eps:g} | fastest other peer >= {PEER_MOST:g}x, most rows | "
            + (
                f"{'met' if most_ok else '**not met**'}: "
                f"{peer_total - len(peer_most)} of {peer_total} rows"
                + (f" (below: {', '.join(peer_most)})" if peer_most else "")
            )
            + " |",
        ]
    floor = state.get("floor", [])
    if floor:
        over = [
            f"{r['problem']} ({r['ratio']:.2f}x)"
            for r in floor
            if r["ratio"] > EPOCH_FLOOR
        ]
        out.append(
            f"| - | epoch <= {EPOCH_FLOOR:g}x X^T r | {_verdict(over, len(floor))} |"
        )
    mem = [r for r in state.get("memory", []) if r["solver"] == "shrinkage"]
    if mem:
        copies = [
            f"{r['problem']} ({r['ratio']:.2f}x X)" for r in mem if r["ratio"] >= 1.0
        ]
        out.append(f"| - | ours' peak < bytes of X | {_verdict(copies, len(mem))} |")
    out.append("")
    return out


def memory_row(problem: Problem, solvers: list[Solver]) -> list[dict]:
    """tracemalloc peak during one fit (alpha_max/10, tol 1e-4) vs X's bytes."""
    X = problem.X
    if problem.sparse:
        x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
        fmt = "CSC"
    else:
        x_bytes = X.nbytes
        fmt = "F-ordered" if X.flags.f_contiguous else "C-ordered"
    inst = make_instance(problem, Task("mem", 1.0, 0.1), 1)
    rows = []
    for solver in solvers:
        if solver.name not in ("shrinkage", "sklearn"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            solver.fit(X, inst, 1e-4)  # untraced: imports and caches first
            gc.collect()
            tracemalloc.start()
            solver.fit(X, inst, 1e-4)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rows.append(
            {
                "problem": problem.name,
                "format": fmt,
                "solver": solver.name,
                "x_mb": x_bytes / 1e6,
                "peak_mb": peak / 1e6,
                "ratio": peak / x_bytes,
            }
        )
    return rows


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def fmt_time(t: float) -> str:
    if t >= 100:
        return f"{t:.0f} s"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 0.01:
        return f"{t:.3f} s"
    return f"{t * 1000:.2f} ms"


@functools.cache
def code_state() -> str:
    """Commit, whether src/ has uncommitted changes, and the kernel's mtime
    (the compiled kernel is what gets timed); cached at the first call, at
    the start of main()."""
    import subprocess

    import shrinkage

    root = HERE.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        text = f"commit {head}" + (" + uncommitted changes in src/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        text = "git state unknown"
    for kernel in sorted(Path(shrinkage.__file__).parent.glob("_kernels/_*.so")):
        stamp = datetime.datetime.fromtimestamp(kernel.stat().st_mtime)
        text += f"; kernel {kernel.name} built {stamp.isoformat(timespec='seconds')}"
    return text


def cpu_name() -> str:
    """The CPU model (Linux /proc/cpuinfo), else platform.processor()."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine_info(threads: int, solvers: list[Solver], failed: dict) -> list[str]:
    cpu = cpu_name()
    import scipy
    from threadpoolctl import threadpool_info

    lines = [
        f"- Code: {code_state()}",
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}",
        f"- Threads: BLAS/OpenMP limited to {threads} (threadpoolctl), "
        f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS')}, "
        f"adelie n_threads={threads}",
    ]
    blas = sorted(
        {
            f"{d['internal_api']} {d.get('version')} ({d.get('threading_layer', '-')})"
            for d in threadpool_info()
            if d["user_api"] == "blas"
        }
    )
    lines.append(f"- BLAS libraries loaded: {', '.join(blas)}")
    from shrinkage._kernels import set_simd

    lines.append(
        "- shrinkage's dense column kernels: "
        + ("AVX2 + FMA" if set_simd(None) else "portable (SSE2 / BLAS)")
    )
    versions = []
    for s in solvers:
        try:
            versions.append(f"{s.name} {s.version()}")
        except Exception:
            versions.append(f"{s.name} ?")
    versions += [f"{k} ({v})" for k, v in failed.items()]
    lines.append(f"- Solvers: {', '.join(versions)}")
    return lines


def cell(results: dict, key, ours_key, eps: float) -> str:
    entry = results.get(key)
    if entry is None:
        return "n/a"
    if "skip" in entry:
        return f"skipped ({entry['skip']})"
    rungs = entry["rungs"]
    t = time_to_target(rungs, eps)
    if t is None:
        err = [r.error for r in rungs if r.error]
        if err and not any(r.times for r in rungs):
            if err[0].startswith("timeout"):
                return f"— ({err[0]})"
            return f"error: {err[0][:60]}"
        return f"— (best {best_subopt(rungs):.0e})"
    ours = results.get(ours_key)
    t_ours = time_to_target(ours["rungs"], eps) if ours and "rungs" in ours else None
    if key == ours_key or t_ours is None:
        return fmt_time(t)
    return f"{fmt_time(t)} ({t / t_ours:.1f}x)"


def speed_summary(results, problems, tasks, solver_names, eps) -> list[str]:
    """Speed-up of ours over sklearn and over the fastest peer, per row."""
    lines = [
        "| problem | task | ours | sklearn / ours | fastest peer | "
        "fastest peer / ours |",
        "|---|---|---|---|---|---|",
    ]
    for pname in problems:
        for tname in tasks:
            ok = results.get((pname, tname, "shrinkage"))
            if ok is None or "rungs" not in ok:
                continue
            t_ours = time_to_target(ok["rungs"], eps)
            peers = {}
            for s in solver_names:
                e = results.get((pname, tname, s))
                if s != "shrinkage" and e and "rungs" in e:
                    tt = time_to_target(e["rungs"], eps)
                    if tt is not None:
                        peers[s] = tt
            sk = peers.get("sklearn")
            best = min(peers, key=peers.get) if peers else None
            if t_ours is None:
                ours_s, sk_s, fp_s = "— (missed)", "-", "-"
            else:
                ours_s = fmt_time(t_ours)
                sk_s = f"{sk / t_ours:.2f}" if sk else "-"
                fp_s = f"{peers[best] / t_ours:.2f}" if best else "-"
            lines.append(
                f"| {pname} | {tname} | {ours_s} | {sk_s} | {best or '-'} | {fp_s} |"
            )
    return lines


def write_report(path: Path, state: dict) -> None:
    args = state["args"]
    solver_names = [s.name for s in state["solvers"]] + list(state["failed"])
    problems, tasks = state["problems_done"], state["tasks"]
    results = state["results"]
    out = [
        f"# shrinkage vs peers ({state['mode']} run)",
        "",
        f"Generated {state['started']} by `{state['command']}`; "
        f"elapsed {time.time() - state['t0']:.0f} s.",
        "",
        *machine_info(args.threads, state["solvers"], state["failed"]),
        "",
        "Cells: median wall time (of `--repeat` runs) of the fastest tolerance "
        f"setting (ladders from 1e-2 to 1e-14, {args.ladder_steps} per decade) "
        "whose solution reaches the target relative suboptimality "
        "(P - P*)/P* (for the path: the max over the grid), and in brackets "
        "that time divided by ours (> 1: ours is faster). `—`: never reached "
        "(best suboptimality seen). Tasks: lasso10/lasso100 = Lasso at "
        "alpha_max/10 and /100, enet100 = ElasticNet l1_ratio=0.5 at "
        "alpha_max/100 (all with intercept); path = "
        f"{args.path_alphas} alphas from alpha_max to alpha_max/1000, no "
        "intercept, Lasso; enetpath = the same for ElasticNet l1_ratio=0.5 "
        "(grid from the alpha_max of that l1_ratio).",
        "",
    ]
    prob_desc = state["problem_desc"]
    if prob_desc:
        out += [
            "Problems: " + "; ".join(f"{k} {v}" for k, v in prob_desc.items()) + ".",
            "",
        ]
    for eps in state["targets"]:
        out += [f"## Time to relative suboptimality {eps:g}", ""]
        out.append("| problem | task | " + " | ".join(solver_names) + " |")
        out.append("|---|---|" + "---|" * len(solver_names))
        for pname in problems:
            for tname in tasks:
                if (pname, tname, "pstar") not in results:
                    continue
                cells = []
                for s in solver_names:
                    if s in state["failed"]:
                        cells.append("import failed")
                    else:
                        cells.append(
                            cell(
                                results,
                                (pname, tname, s),
                                (pname, tname, "shrinkage"),
                                eps,
                            )
                        )
                out.append(f"| {pname} | {tname} | " + " | ".join(cells) + " |")
        out.append("")
        out += [f"### Speed-up summary at {eps:g}", ""]
        out += speed_summary(results, problems, tasks, solver_names, eps)
        out.append("")

    out += [
        "## Reference optimum P*",
        "",
        "P* = min(ours at tol=1e-14, sklearn at tol=1e-14 with "
        f"max_iter={args.pstar_sk_max_iter}; path: sklearn on every "
        "10th alpha of the grid); 'rel. diff' = max over those alphas of "
        "|P_ours - P_sklearn| / P_sklearn (flagged if > 1e-10); "
        "'below P*' lists solver runs whose objective went below P* by "
        "more than 1e-10 relative.",
        "",
        "| problem | task | alpha/alpha_max | P* (last alpha) | ours tight (s) "
        "| sklearn tight (s) | rel. diff | flag | below P* |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for pname in problems:
        for tname in tasks:
            ps = results.get((pname, tname, "pstar"))
            if ps is None:
                continue
            info = ps["info"]
            diff = info.get("max_rel_diff")
            flag = ""
            if diff is not None and diff > 1e-10:
                who = "ours higher" if info["ours_minus_sk"] > 1e-10 else "sk higher"
                flag = f"DISAGREE ({who})"
            if "sk_error" in info:
                flag = "sklearn error: " + info["sk_error"][:60]
            below = ", ".join(ps.get("below", [])) or "-"
            out.append(
                f"| {pname} | {tname} | {ps['fraction']:g} | {ps['pstar']:.10g} | "
                f"{info['ours_time']:.3g} | {info.get('sk_time', float('nan')):.3g} | "
                f"{'-' if diff is None else f'{diff:.1e}'} | {flag or 'ok'} | {below} |"
            )
    out.append("")

    out += [
        "## Floor: one epoch of ours vs one X^T r",
        "",
        "One full CD epoch (all features, no working set / screening / "
        "extrapolation), measured as (T(11 epochs) - T(1 epoch)) / 10 of "
        "direct kernel calls from w = 0 at alpha_max/100, each call with "
        "one gap check before and one after its epochs; 'gap eval' = one "
        "duality-gap evaluation (all-feature gradient + dual); X^T r = "
        "NumPy gemv (dense, F-ordered X) or SciPy CSR matvec (X.T of CSC), "
        "single-threaded, the fastest of 3 calls. Every column is the "
        "median over interleaved rounds (9; 3 with --quick), 'epoch / X^T r' "
        "the median of the rounds' own ratios. nnz(w) = nonzeros after 11 "
        "epochs (each nonzero update adds an axpy on the residual). "
        "'dots-only epoch': the same at alpha = 2 alpha_max, where no "
        "coordinate moves (p column dots, no axpy). 'portable epoch': the "
        "epoch again with shrinkage's portable column kernels instead of its "
        "AVX2 ones ('-': sparse X, which has no AVX2 kernels, or the AVX2 "
        "kernels did not run).",
        "",
        "| problem | shape | X^T r | epoch | epoch / X^T r | gap eval | nnz(w) "
        "| dots-only epoch | dots-only / X^T r | portable epoch | portable / "
        "epoch |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in state["floor"]:
        out.append(
            f"| {row['problem']} | {row['shape']} | {fmt_time(row['xtr'])} | "
            f"{fmt_time(row['epoch'])} | {row['ratio']:.2f} | "
            f"{fmt_time(row['gap'])} | {row['nnz_w']} | "
            f"{fmt_time(row['epoch_dots'])} | "
            f"{row['epoch_dots'] / row['xtr']:.2f} | "
            + (
                f"{fmt_time(row['epoch_portable'])} | "
                f"{row['epoch_portable'] / row['epoch']:.2f} |"
                if row.get("epoch_portable") is not None
                else "- | - |"
            )
        )
    out.append("")

    out += gram_floor_lines(state)
    out += target_lines(state)

    out += [
        "## Memory: tracemalloc peak during one fit",
        "",
        "Lasso at alpha_max/10, tol=1e-4, fit_intercept=True; peak of "
        "Python-tracked allocations (NumPy buffers included) during fit, "
        "vs the bytes of X (data + indices + indptr for CSC).",
        "",
        "| problem | input | solver | X (MB) | peak (MB) | peak / X |",
        "|---|---|---|---|---|---|",
    ]
    for row in state["memory"]:
        out.append(
            f"| {row['problem']} | {row['format']} | {row['solver']} | "
            f"{row['x_mb']:.1f} | {row['peak_mb']:.2f} | {row['ratio']:.3f} |"
        )
    out.append("")

    out += [
        "## Warm-up (excluded from the tables above)",
        "",
        "First call: the very first fit on a tiny dense problem (includes "
        "numba JIT compilation for numba-based peers); total: all tiny "
        "warm-up fits (dense and sparse, every task).",
        "",
        "| solver | first call | all warm-up fits |",
        "|---|---|---|",
    ]
    for s in state["solvers"]:
        fc = state["first_call"].get(s.name)
        out.append(
            f"| {s.name} | {fmt_time(fc) if fc else '-'} | "
            f"{fmt_time(state['warm_total'].get(s.name, 0.0))} |"
        )
    out.append("")

    out += [
        "## Convention check (tiny problems)",
        "",
        "Relative suboptimality of each solver's tol=1e-13 solution against "
        "ours at tol=1e-14 on a 60x150 dense and a 120x300 sparse problem "
        "(path: max over the grid). Values far below 1e-4 confirm the "
        "parameter mapping (a wrong mapping shows as >= 1e-3); tol means "
        "something else for each peer, so 1e-13 is not equally tight.",
        "",
    ]
    tnames = list(state["tasks_all"])
    out.append(
        "| solver | "
        + " | ".join(f"{p} {t}" for p in ("dense", "sparse") for t in tnames)
        + " |"
    )
    out.append("|---|" + "---|" * (2 * len(tnames)))
    for s in state["solvers"]:
        cells = []
        for p in ("tiny-dense", "tiny-sparse"):
            for t in tnames:
                v = state["check"].get((s.name, p, t))
                cells.append(f"{v:.0e}" if isinstance(v, float) else str(v))
        out.append(f"| {s.name} | " + " | ".join(cells) + " |")
    out.append("")

    notes = []
    for (pname, tname, sname), entry in results.items():
        if sname in ("pstar",) or not isinstance(entry, dict):
            continue
        if entry.get("note") and entry["note"] not in ("reached",):
            notes.append(f"- {pname}/{tname}/{sname}: ladder stopped ({entry['note']})")
    if notes:
        out += ["## Ladder notes", "", *sorted(notes), ""]
    plots = state.get("plots", [])
    if plots:
        out += ["## Suboptimality vs time", ""]
        out += [f"![{p.stem}]({p.name})" for p in plots]
        out.append("")
    path.write_text("\n".join(out))


def plot_problem(path: Path, pname: str, tasks, results, solver_names, targets):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    present = [t for t in tasks if (pname, t, "pstar") in results]
    if not present:
        return None
    fig, axes = plt.subplots(
        1, len(present), figsize=(4.2 * len(present), 3.6), squeeze=False
    )
    for ax, tname in zip(axes[0], present, strict=True):
        for s in solver_names:
            e = results.get((pname, tname, s))
            if not e or "rungs" not in e:
                continue
            pts = [(r.median, max(r.subopt, 1e-16)) for r in e["rungs"] if r.times]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.loglog(xs, ys, marker="o", ms=3, label=s)
        for eps in targets:
            ax.axhline(eps, color="gray", lw=0.6, ls="--")
        ax.set_title(f"{pname}: {tname}", fontsize=9)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("(P - P*) / P*")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def serialise(results: dict) -> dict:
    out = {}
    for key, entry in results.items():
        e = dict(entry)
        if "rungs" in e:
            e["rungs"] = [r.__dict__ for r in e["rungs"]]
        out["|".join(key)] = e
    return out


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="small versions of 3 problems, 2 tasks, repeat 1",
    )
    ap.add_argument("--problems", help="comma-separated: " + ",".join(ALL_PROBLEMS))
    ap.add_argument("--tasks", help="comma-separated: " + ",".join(ALL_TASKS))
    ap.add_argument("--solvers", help="comma-separated: " + ",".join(ALL_SOLVERS))
    ap.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="NAME=NxP[@DENS]",
        help="override a synthetic problem's size, e.g. "
        "dense-tall=20000x200 or sparse-wide=5000x20000@1e-3",
    )
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/numba threads")
    ap.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs per setting (median); default 3, quick 1",
    )
    ap.add_argument(
        "--repeat-cap",
        type=float,
        default=5.0,
        help="a setting whose first run takes longer is not repeated",
    )
    ap.add_argument(
        "--ladder-steps",
        type=int,
        default=1,
        help="tolerance settings per decade, from 1e-2 to 1e-14 (default 1)",
    )
    ap.add_argument(
        "--max-run-seconds",
        type=float,
        default=None,
        help="stop a ladder after a run this long (default 60, quick 5)",
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per solver and (problem, task) (default 180, quick 10)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="soft per-run limit, SIGALRM (default 120, quick 5)",
    )
    ap.add_argument(
        "--path-alphas",
        type=int,
        default=None,
        help="grid size of the path task (default 100, quick 30)",
    )
    ap.add_argument("--targets", default="1e-4,1e-6")
    ap.add_argument(
        "--no-pstar-check",
        action="store_true",
        help="skip the sklearn tol=1e-14 cross-check of P*",
    )
    ap.add_argument(
        "--pstar-sk-max-iter",
        type=int,
        default=None,
        help="epoch cap of the sklearn P* cross-check (default "
        f"{LADDER_MAX_ITER}, quick 2000)",
    )
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument(
        "--no-gram-floor",
        action="store_true",
        help="skip timing X^T X and X^T y on the problems ours solves in Gram mode",
    )
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument(
        "--portable-kernels",
        action="store_true",
        help="run shrinkage's portable column kernels, not its AVX2 ones",
    )
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--name", help="report name (default: quick or full)")
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.max_run_seconds is None:
        args.max_run_seconds = 5.0 if args.quick else 60.0
    if args.timeout is None:
        args.timeout = 5.0 if args.quick else 120.0
    if args.pstar_sk_max_iter is None:
        args.pstar_sk_max_iter = 2000 if args.quick else LADDER_MAX_ITER
    if args.path_alphas is None:
        args.path_alphas = 30 if args.quick else 100
    if args.budget is None:
        args.budget = 10.0 if args.quick else 180.0
    if args.ladder_steps < 1:
        raise SystemExit("--ladder-steps must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    code_state()  # the code that this run times
    if args.portable_kernels:
        from shrinkage._kernels import set_simd

        set_simd(False)
    threads = str(args.threads)
    # Before any numba import (skglm) and before BLAS pools are created.
    for var in (
        "NUMBA_NUM_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    ):
        os.environ[var] = threads
    from threadpoolctl import threadpool_limits

    problems = (
        args.problems.split(",")
        if args.problems
        else QUICK_PROBLEMS
        if args.quick
        else ALL_PROBLEMS
    )
    task_names = (
        args.tasks.split(",")
        if args.tasks
        else QUICK_TASKS
        if args.quick
        else ALL_TASKS
    )
    solver_names = args.solvers.split(",") if args.solvers else ALL_SOLVERS
    if "shrinkage" not in solver_names:
        solver_names = ["shrinkage", *solver_names]
    for p in problems:
        if p not in ALL_PROBLEMS:
            raise SystemExit(f"unknown problem {p!r}; choose from {ALL_PROBLEMS}")
    sizes = dict(QUICK_SIZES if args.quick else FULL_SIZES)
    sizes.update(parse_sizes(args.size))
    targets = sorted((float(v) for v in args.targets.split(",")), reverse=True)
    tasks_all = make_tasks(args.path_alphas)
    tasks = {}
    for t in task_names:
        if t not in tasks_all:
            raise SystemExit(f"unknown task {t!r}; choose from {ALL_TASKS}")
        tasks[t] = tasks_all[t]
    mode = args.name or ("quick" if args.quick else "full")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / f"peers_{mode}.md"

    with threadpool_limits(limits=args.threads):
        solvers, failed = make_solvers(solver_names, args.threads)
        for solver in solvers:
            solver.tols = tol_ladder(args.ladder_steps)
        state = {
            "args": args,
            "mode": mode,
            "t0": time.time(),
            "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "command": "python benchmarks/bench_peers.py "
            + " ".join(sys.argv[1:] if argv is None else argv),
            "solvers": solvers,
            "failed": failed,
            "tasks": list(tasks),
            "tasks_all": list(tasks),
            "task_objects": tasks,
            "targets": targets,
            "results": {},
            "problems_done": [],
            "floor": [],
            "gram_floor": [],
            "memory": [],
            "plots": [],
            "problem_desc": {},
            "shapes": {},
        }
        log(f"warm-up of {[s.name for s in solvers]}")
        fc, wt, chk = warm_up(solvers, tasks_all, args.path_alphas)
        state.update(first_call=fc, warm_total=wt, check=chk)
        for key, val in chk.items():
            if not isinstance(val, float) or val > 1e-6:
                log(f"convention check {key}: {val}")
        results = state["results"]
        for pname in problems:
            log(f"problem {pname}: building")
            if pname in REAL_FILES:
                problem = load_real(pname, args.data_dir)
            else:
                problem = make_synthetic(pname, sizes[pname])
            state["problem_desc"][pname] = problem.shape_str
            state["shapes"][pname] = problem.X.shape
            state["problems_done"].append(pname)
            log(f"problem {pname}: {problem.shape_str}")
            prepared = {}
            for solver in solvers:
                try:
                    prepared[solver.name] = solver.prepare(problem)
                except Exception as exc:
                    prepared[solver.name] = exc
            for tname, task in tasks.items():
                inst = make_instance(problem, task, args.path_alphas)
                log(f"{pname}/{tname}: P* (alpha/alpha_max={task.fraction:g})")
                compute_pstar(
                    inst,
                    problem.X,
                    problem.X,
                    not args.no_pstar_check,
                    args.pstar_sk_max_iter,
                )
                info = inst.info
                if info.get("max_rel_diff", 0) > 1e-10:
                    log(f"  P* ours vs sklearn differ: {info['max_rel_diff']:.2e}")
                entry = {
                    "pstar": float(inst.pstar[-1]),
                    "fraction": task.fraction,
                    "info": info,
                    "below": [],
                }
                results[(pname, tname, "pstar")] = entry
                for solver in solvers:
                    key = (pname, tname, solver.name)
                    Xp = prepared[solver.name]
                    if isinstance(Xp, Exception):
                        results[key] = {
                            "rungs": [Rung(0.0, [], np.nan, f"prepare: {Xp}")]
                        }
                        continue
                    try:
                        solver.check(problem, task)
                    except Skip as exc:
                        results[key] = {"skip": str(exc)}
                        log(f"  {solver.name}: skipped ({exc})")
                        continue
                    rungs, note = run_ladder(solver, Xp, inst, args, min(targets))
                    results[key] = {"rungs": rungs, "note": note}
                    low = min((r.subopt for r in rungs if r.times), default=0.0)
                    if low < -1e-10:
                        entry["below"].append(f"{solver.name} ({low:.1e})")
                write_report(report, state)
            if problem.synthetic and not args.no_floor:
                try:
                    state["floor"].append(floor_row(problem, 3 if args.quick else 9))
                except Exception as exc:
                    log(f"floor {pname} failed: {exc}")
            if not args.no_gram_floor:
                try:
                    row = gram_floor_row(problem, 3 if args.quick else 9)
                except Exception as exc:
                    log(f"gram floor {pname} failed: {exc}")
                else:
                    if row is not None:
                        state["gram_floor"].append(row)
            if not args.no_memory and problem.synthetic:
                state["memory"] += memory_row(problem, solvers)
            png = plot_problem(
                out_dir / f"peers_{mode}_{pname}.png",
                pname,
                list(tasks),
                results,
                [s.name for s in solvers],
                targets,
            )
            if png:
                state["plots"].append(png)
            write_report(report, state)
            (out_dir / f"peers_{mode}.json").write_text(
                json.dumps(serialise(results), indent=1, default=str)
            )
            del problem, prepared
            gc.collect()
        log(f"done in {time.time() - state['t0']:.0f} s: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
