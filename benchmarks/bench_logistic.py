"""Benchopt-style comparison of sparse logistic regression solvers (issue 5).

Binary L1 (and one elastic-net) logistic regression, **without intercept**
in the main tasks, so that every solver minimises the same objective
(liblinear penalises its intercept, celer fits none):

    P(w) = 1/n sum_i log(1 + exp(-y_i x_i.w))
           + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio) / 2 * ||w||^2

with y_i in {-1, +1}. Every solver is run over a ladder of its own tolerance
settings; each returned coefficient vector is scored with the NumPy function
``logistic_objective`` below against a reference optimum P* from very tight
solves, and for each target relative suboptimality ``(P - P*) / P* <= eps``
the median time of the fastest setting that reaches it is reported. Each
setting runs in a forked child process that is killed after ``--timeout``
seconds, so no solver can hang the benchmark.

Usage (from the repository root)::

    python benchmarks/bench_logistic.py --quick      # ~2 minutes
    python benchmarks/bench_logistic.py              # full run (about 1 hour)
    python benchmarks/bench_logistic.py --problems leukemia,rcv1 \\
        --tasks l1-100 --solvers shrinkage,liblinear,celer

See benchmarks/README.md for the methodology and each peer's convention.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import multiprocessing
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from bench_peers import (
    TOL_LADDER,
    Problem,
    RunTimeout,
    best_subopt,
    fmt_time,
    load_npz,
    log,
    machine_info,
    parse_sizes,
    synthetic_signal,
    time_to_target,
    timed,
    tol_ladder,
)

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = os.environ.get("SHRINKAGE_BENCH_DATA", "/work/shared/data")

ALL_SOLVERS = ["shrinkage", "liblinear", "saga", "celer", "skglm"]
SKLEARN_SOLVERS = ("liblinear", "saga")
ALL_PROBLEMS = [
    "synth-dense",
    "synth-sparse",
    "leukemia",
    "colon-cancer",
    "duke",
    "dorothea",
    "rcv1",
    "basehock",
    "pcmac",
    "relathe",
    "mushrooms",
]
QUICK_PROBLEMS = ["synth-dense", "synth-sparse", "leukemia"]
TINY_PROBLEMS = ["tiny-dense", "tiny-sparse"]
REAL_FILES = {
    "leukemia": "leukemia.npz",
    "colon-cancer": "colon-cancer.npz",
    "duke": "duke-breast-cancer.npz",
    "dorothea": "dorothea.npz",
    "rcv1": "rcv1-vw-1k.npz",
    "basehock": "basehock.npz",
    "pcmac": "pcmac.npz",
    "relathe": "relathe.npz",
    "mushrooms": "mushrooms.npz",
}
# Synthetic sizes: (n, p, density); density None means dense.
SIZES: dict[str, dict[str, tuple[int, int, float | None]]] = {
    "full": {"synth-dense": (500, 5000, None), "synth-sparse": (5000, 50_000, 1e-3)},
    "quick": {"synth-dense": (200, 2000, None), "synth-sparse": (1000, 10_000, 2e-3)},
    "tiny": {"tiny-dense": (40, 120, None), "tiny-sparse": (80, 300, 0.05)},
}

PSTAR_TOL = 1e-14


def source_state() -> str:
    """Which shrinkage was measured: git commit, uncommitted files under src/
    and a digest of the package's source files (it changes between runs)."""
    import hashlib
    import subprocess

    root = HERE.parent
    src = root / "src" / "shrinkage"
    digest = hashlib.sha256()
    for path in sorted(src.rglob("*")):
        if path.suffix in (".py", ".pyx", ".pxd") and path.is_file():
            digest.update(path.read_bytes())
    parts = []
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split("\n")
        changed = [line[3:].rsplit("/", 1)[-1] for line in dirty if line.strip()]
        parts.append(f"git {head or '?'}")
        if changed:
            parts.append("uncommitted changes in src/ (" + ", ".join(changed) + ")")
    except (OSError, subprocess.SubprocessError):
        parts.append("git unavailable")
    parts.append(f"source digest {digest.hexdigest()[:12]}")
    return "; ".join(parts)


def logistic_objective(X, y, coef, intercept, alpha, l1_ratio) -> float:
    """P(w, b) above (mean logistic loss + elastic net), float64, y in {-1, 1}."""
    w = np.asarray(coef, dtype=np.float64).ravel()
    z = np.asarray(X @ w, dtype=np.float64).ravel() + float(intercept)
    loss = np.mean(np.logaddexp(0.0, -np.asarray(y, dtype=np.float64) * z))
    return float(
        loss
        + alpha * l1_ratio * np.abs(w).sum()
        + 0.5 * alpha * (1 - l1_ratio) * (w @ w)
    )


def alpha_max(X, y, l1_ratio: float = 1.0, fit_intercept: bool = False) -> float:
    """Smallest alpha with w = 0 optimal.

    The gradient of the mean loss at w = 0 is -X^T (y01 - p0) / n, with p0 the
    optimal constant probability: mean(y01) with an intercept, 1/2 without.
    w = 0 is optimal iff its sup norm is <= alpha * l1_ratio.
    """
    y01 = (np.asarray(y) > 0).astype(np.float64)
    r = y01 - (y01.mean() if fit_intercept else 0.5)
    corr = np.asarray(X.T @ r).ravel()
    return float(np.max(np.abs(corr)) / (len(y01) * l1_ratio))


# --------------------------------------------------------------------------
# Problems and tasks
# --------------------------------------------------------------------------


def canonical(X) -> Any:
    """F-ordered float64 (dense) or sorted CSC with int32 indices (sparse)."""
    if sp.issparse(X):
        X = sp.csc_matrix(X, dtype=np.float64)
        X.sum_duplicates()
        X.sort_indices()
        X.indices = X.indices.astype(np.int32, copy=False)
        X.indptr = X.indptr.astype(np.int32, copy=False)
        return X
    return np.asfortranarray(X, dtype=np.float64)


def make_synthetic(name: str, size: tuple[int, int, float | None], seed=0) -> Problem:
    """Labels drawn from a sparse logistic model with signal sd 2."""
    X, z, rng = synthetic_signal(size, seed)
    z *= 2.0 / max(float(np.std(z)), 1e-12)
    y = np.where(rng.uniform(size=X.shape[0]) < 1.0 / (1.0 + np.exp(-z)), 1.0, -1.0)
    if np.all(y == y[0]):
        y[0] = -y[0]
    return Problem(name, canonical(X), y, True)


def load_real(name: str, data_dir: str) -> Problem:
    X, labels = load_npz(os.path.join(data_dir, REAL_FILES[name]))
    y = np.where(labels > 0, 1.0, -1.0)
    n, p = X.shape
    if X.nnz > 0.5 * n * p:  # the dense sets (density ~1)
        return Problem(name, canonical(X.toarray()), y, False)
    return Problem(name, canonical(X), y, False)


@dataclass
class Task:
    name: str
    l1_ratio: float
    fraction: float  # alpha = fraction * alpha_max(l1_ratio, fit_intercept)
    fit_intercept: bool = False


TASKS = {
    "l1-10": Task("l1-10", 1.0, 0.1),
    "l1-100": Task("l1-100", 1.0, 0.01),
    "enet-100": Task("enet-100", 0.5, 0.01),
    # Optional (not in the default lists): the intercept fitted, unpenalised.
    # liblinear (penalises it) and celer (none) are skipped there.
    "l1-100-icpt": Task("l1-100-icpt", 1.0, 0.01, fit_intercept=True),
}
FULL_TASKS = ["l1-10", "l1-100", "enet-100"]
QUICK_TASKS = ["l1-10", "l1-100"]
L1_TASKS = {"l1-10", "l1-100", "l1-100-icpt"}


@dataclass
class Instance:
    problem: Problem
    task: Task
    alpha: float
    amax: float
    pstar: float = float("nan")
    info: dict = field(default_factory=dict)

    def objective(self, result) -> float:
        coef, intercept = result
        return logistic_objective(
            self.problem.X,
            self.problem.y,
            coef,
            intercept,
            self.alpha,
            self.task.l1_ratio,
        )

    def subopt(self, result) -> float:
        return (self.objective(result) - self.pstar) / abs(self.pstar)


def make_instance(problem: Problem, task: Task) -> Instance:
    amax = alpha_max(problem.X, problem.y, task.l1_ratio, task.fit_intercept)
    return Instance(problem, task, amax * task.fraction, amax)


# --------------------------------------------------------------------------
# Solvers: each maps our (alpha, l1_ratio) onto its own convention
# --------------------------------------------------------------------------


class Skip(Exception):
    """The solver does not handle this task (documented reason)."""


class Solver:
    name = ""
    module = ""
    ladder = TOL_LADDER  # settings run loose to tight
    setting = "tol"  # what the ladder varies: "tol", or "epochs" (tol = 0)
    check_setting = 1e-12  # the convention check's (tight) setting
    jit = False  # compiled at first call (numba): primed before timing

    def version(self) -> str:
        mod = __import__(self.module)
        return str(getattr(mod, "__version__", "?"))

    def check(self, task: Task) -> None:
        """Raise Skip when the solver cannot minimise this task's objective."""

    def prepare(self, X):
        """Untimed, once per problem: the input layout the solver's fit wants."""
        return X

    def fit(self, Xp, y, alpha, task: Task, tol: float):
        """Returns (coef (p,), intercept); ``tol`` is a value of ``ladder``."""
        raise NotImplementedError


def csr_or_c(X):
    if sp.issparse(X):
        Xr = X.tocsr()
        Xr.indices = Xr.indices.astype(np.int32, copy=False)
        Xr.indptr = Xr.indptr.astype(np.int32, copy=False)
        return Xr
    return np.ascontiguousarray(X)


class Ours(Solver):
    name, module = "shrinkage", "shrinkage"
    max_iter = 1000  # proximal Newton iterations; tol governs

    def fit(self, Xp, y, alpha, task, tol):
        import shrinkage

        model = shrinkage.LogisticRegression(
            alpha=alpha,
            l1_ratio=task.l1_ratio,
            fit_intercept=task.fit_intercept,
            tol=tol,
            max_iter=self.max_iter,
        ).fit(Xp, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])


class SklearnLR(Solver):
    """scikit-learn: C sum_i loss_i + l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2,
    i.e. n C times our objective: C = 1 / (n alpha)."""

    module = "sklearn"
    solver = ""
    max_iter = 10_000

    def version(self) -> str:
        import sklearn

        return f"{sklearn.__version__} ({self.solver})"

    def prepare(self, X):
        return csr_or_c(X)  # what its check_array asks for: no copy inside fit

    def fit(self, Xp, y, alpha, task, tol):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=1.0 / (len(y) * alpha),
            l1_ratio=task.l1_ratio,
            solver=self.solver,
            fit_intercept=task.fit_intercept,
            tol=tol,
            max_iter=self.max_iter,
        ).fit(Xp, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])


class Liblinear(SklearnLR):
    name, solver = "liblinear", "liblinear"
    max_iter = 1000  # outer (newGLMNET) iterations

    def check(self, task):
        if 0.0 < task.l1_ratio < 1.0:
            raise Skip("no elastic net")
        if task.fit_intercept:
            raise Skip("penalises the intercept")


EPOCH_LADDER = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000]


class Saga(SklearnLR):
    """saga with tol = 0 for a fixed number of epochs (benchopt's iteration
    sampling): its own stopping rule (max relative change of w below tol) can
    stop long after, or before, a given suboptimality is reached."""

    name, solver = "saga", "saga"
    ladder, setting, check_setting = EPOCH_LADDER, "epochs", 20_000

    def fit(self, Xp, y, alpha, task, tol):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=1.0 / (len(y) * alpha),
            l1_ratio=task.l1_ratio,
            solver="saga",
            fit_intercept=task.fit_intercept,
            tol=0.0,
            max_iter=int(tol),
        ).fit(Xp, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])


class Celer(Solver):
    """celer: sum_i loss_i + ||w||_1 / C (L1 only, no intercept): C = 1/(n alpha)."""

    name, module = "celer", "celer"

    def check(self, task):
        if task.l1_ratio != 1.0:
            raise Skip("L1 only")
        if task.fit_intercept:
            raise Skip("no intercept")

    def prepare(self, X):
        return csr_or_c(X)

    def fit(self, Xp, y, alpha, task, tol):
        import celer

        model = celer.LogisticRegression(
            C=1.0 / (len(y) * alpha), tol=tol, max_iter=100, max_epochs=100_000
        ).fit(Xp, y)
        return np.ravel(model.coef_), 0.0


class Skglm(Solver):
    """skglm SparseLogisticRegression: our objective exactly (alpha, l1_ratio)."""

    name, module = "skglm", "skglm"
    jit = True

    def prepare(self, X):
        return X  # CSC / F-ordered, as its check_array asks

    def fit(self, Xp, y, alpha, task, tol):
        from skglm import SparseLogisticRegression

        model = SparseLogisticRegression(
            alpha=alpha,
            l1_ratio=task.l1_ratio,
            fit_intercept=task.fit_intercept,
            tol=tol,
            max_iter=100,
            max_epochs=10_000,
        ).fit(Xp, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])


SOLVER_CLASSES = {
    "shrinkage": Ours,
    "liblinear": Liblinear,
    "saga": Saga,
    "celer": Celer,
    "skglm": Skglm,
}


def make_solvers(names: list[str]) -> tuple[list[Solver], dict]:
    solvers, failed = [], {}
    for name in names:
        if name not in SOLVER_CLASSES:
            raise SystemExit(f"unknown solver {name!r}; choose from {ALL_SOLVERS}")
        solver = SOLVER_CLASSES[name]()
        try:
            __import__(solver.module)
        except Exception as exc:  # reported, never silently dropped
            failed[name] = f"import failed: {type(exc).__name__}: {exc}"
            log(f"{name}: {failed[name]}")
            continue
        solvers.append(solver)
    return solvers, failed


# --------------------------------------------------------------------------
# Timed runs, isolated in a forked child with a hard timeout
# --------------------------------------------------------------------------


class RunError(Exception):
    """The solver raised (or its process died)."""


def _die_with_parent() -> None:
    """Linux: have the kernel kill this child if the benchmark process dies."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except Exception:  # best effort only
            pass


def _child(fn, repeat: int, repeat_cap: float, conn) -> None:
    _die_with_parent()
    gc.freeze()  # the parent's objects: not traversed (nor copied) by collections
    try:
        for i in range(repeat):
            elapsed, out = timed(fn)
            conn.send(("run", elapsed, out if i == 0 else None))
            if elapsed > repeat_cap:
                break
        conn.send(("end",))
    except BaseException as exc:  # reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_timed(
    fn: Callable[[], Any],
    *,
    repeat: int = 1,
    repeat_cap: float = np.inf,
    timeout: float = 0.0,
    isolate: bool = True,
) -> tuple[list[float], Any]:
    """Run fn() up to ``repeat`` times: (wall times, result of the first run).

    A run longer than ``repeat_cap`` is not repeated. With ``isolate`` the runs
    happen in a forked child (copy-on-write: no data is copied, and numba code
    compiled in the parent is reused) that is killed when one run exceeds
    ``timeout`` seconds; the time is measured inside the child, so the fork is
    not timed. Without ``isolate`` (or without fork), a SIGALRM soft limit is
    used instead, which cannot interrupt a long compiled call.
    """
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if isolate and can_fork:
        ctx = multiprocessing.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork + threads
            proc = ctx.Process(target=_child, args=(fn, repeat, repeat_cap, send))
            proc.start()
        send.close()
        times, result = [], None
        try:
            while True:
                if not recv.poll(timeout if timeout > 0 else None):
                    raise RunTimeout
                msg = recv.recv()
                if msg[0] == "run":
                    times.append(msg[1])
                    if msg[2] is not None:
                        result = msg[2]
                elif msg[0] == "end":
                    break
                else:
                    raise RunError(msg[1])
        except EOFError:
            proc.join(1.0)
            raise RunError(f"child process died (exit code {proc.exitcode})") from None
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            recv.close()
        return times, result
    times, result = [], None
    for i in range(repeat):
        try:
            elapsed, out = timed(fn, timeout)
        except RunTimeout:
            raise
        except Exception as exc:
            raise RunError(f"{type(exc).__name__}: {exc}") from exc
        times.append(elapsed)
        if i == 0:
            result = out
        if elapsed > repeat_cap:
            break
    return times, result


@dataclass
class Rung:
    setting: float  # tol, or epochs
    times: list
    subopt: float
    error: str = ""

    @property
    def median(self) -> float:
        return float(np.median(self.times)) if self.times else float("nan")


def run_ladder(solver: Solver, Xp, inst: Instance, args, eps_stop: float):
    """The solver's ladder, loose to tight; returns (rungs, note).

    Stops after the first rung reaching ``eps_stop``, after a run longer than
    --max-run-seconds, when the solver's time on this instance exceeds
    --budget, after a timeout or error, or when 3 rungs in a row from the
    7th on (tol <= 1e-8, or >= 100 epochs) fail to halve the suboptimality
    (stalled).
    """
    rungs: list[Rung] = []
    spent, note, best, stall = 0.0, "", np.inf, 0
    y, alpha, task = inst.problem.y, inst.alpha, inst.task
    # settings per decade of a tolerance ladder (an epoch ladder, or the
    # fashion-MNIST script's own tolerance list: 1)
    steps = getattr(args, "ladder_steps", 1) if solver.setting == "tol" else 1
    for index, tol in enumerate(solver.ladder):
        label = f"tol={tol:8.2e}" if solver.setting == "tol" else f"epochs={tol:<6g}"
        try:
            times, res = run_timed(
                lambda tol=tol: solver.fit(Xp, y, alpha, task, tol),
                repeat=args.repeat,
                repeat_cap=args.repeat_cap,
                timeout=args.timeout,
                isolate=not args.no_isolate,
            )
        except RunTimeout:
            log(f"  {solver.name:9s} {label} timed out ({args.timeout:g} s)")
            rungs.append(Rung(tol, [], np.nan, f"timeout ({args.timeout:g} s)"))
            note = f"timeout {args.timeout:g} s"
            break
        except RunError as exc:
            msg = str(exc).splitlines()[0][:160] if str(exc) else "error"
            log(f"  {solver.name:9s} {label} error: {msg}")
            rungs.append(Rung(tol, [], np.nan, msg))
            note = "error"
            break
        sub = inst.subopt(res)
        rungs.append(Rung(tol, times, sub))
        spent += sum(times)
        log(f"  {solver.name:9s} {label} {np.median(times):9.4f} s subopt={sub:.2e}")
        if sub <= eps_stop:
            note = "reached"
            break
        # stalled: three decades' worth of settings without halving
        if sub < best / 2.0 ** (1.0 / steps):
            best, stall = sub, 0
        elif index >= 6 * steps:  # loose settings may legitimately improve slowly
            stall += 1
            if stall >= 3 * steps:
                note = "stalled"
                break
        if times[0] > args.max_run_seconds:
            note = f"run > {args.max_run_seconds:g} s"
            break
        if spent > args.budget:
            note = f"budget {args.budget:g} s spent"
            break
    return rungs, note


# --------------------------------------------------------------------------
# Reference optimum, warm-up, convention and alpha_max checks
# --------------------------------------------------------------------------


def reference_solver(solvers: list[Solver], task: Task) -> Solver | None:
    """The peer used to cross-check P*: celer, else skglm (if it applies)."""
    for name in ("celer", "skglm"):
        for s in solvers:
            if s.name == name:
                try:
                    s.check(task)
                except Skip:
                    continue
                return s
    return None


def compute_pstar(inst: Instance, solvers: list[Solver], timeout: float, isolate):
    """P* = min(ours at tol 1e-14, reference peer at tol 1e-14).

    Raises RunError when neither tight solve returns (the row is skipped).
    """
    X, y, task = inst.problem.X, inst.problem.y, inst.task
    ours = Ours()
    info: dict[str, Any] = {}
    p_ours = np.inf
    try:
        times, res = run_timed(
            lambda: ours.fit(X, y, inst.alpha, task, PSTAR_TOL),
            timeout=timeout,
            isolate=isolate,
        )
        p_ours = inst.objective(res)
        info.update(
            ours_time=times[0], P_ours=p_ours, nnz=int(np.count_nonzero(res[0]))
        )
    except (RunTimeout, RunError) as exc:
        info["ours_error"] = f"{type(exc).__name__}: {exc}"[:120]
    pstar = p_ours
    ref = reference_solver(solvers, task)
    if ref is not None:
        info["ref"] = ref.name
        try:
            Xp = ref.prepare(X)
            times, res = run_timed(
                lambda: ref.fit(Xp, y, inst.alpha, task, PSTAR_TOL),
                timeout=timeout,
                isolate=isolate,
            )
            p_ref = inst.objective(res)
            info.update(ref_time=times[0], P_ref=p_ref)
            if np.isfinite(p_ours):
                info["rel_diff"] = (p_ours - p_ref) / abs(p_ref)
            pstar = min(pstar, p_ref)
        except (RunTimeout, RunError) as exc:
            info["ref_error"] = f"{type(exc).__name__}: {exc}"[:120]
    inst.pstar = pstar
    inst.info = info
    if not np.isfinite(pstar):
        raise RunError(
            "no reference optimum: "
            + "; ".join(v for k, v in info.items() if k.endswith("error"))
        )


def check_alpha_max(problem: Problem, fit_intercept: bool) -> str:
    """Ours at 1.001 alpha_max must give w = 0, at 0.99 alpha_max w != 0."""
    amax = alpha_max(problem.X, problem.y, 1.0, fit_intercept)
    task = Task("check", 1.0, 1.0, fit_intercept)
    nnz = []
    for factor in (1.001, 0.99):
        try:
            coef, _ = timed(
                lambda f=factor: Ours().fit(problem.X, problem.y, f * amax, task, 1e-8)
            )[1]
        except Exception as exc:  # reported in the problem table
            return f"error: {type(exc).__name__}: {exc}"[:80]
        nnz.append(int(np.count_nonzero(coef)))
    ok = nnz[0] == 0 and nnz[1] > 0
    return f"{'ok' if ok else 'FAILED'} (nnz {nnz[0]} / {nnz[1]})"


def tiny_problems() -> list[Problem]:
    return [make_synthetic(name, size, seed=1) for name, size in SIZES["tiny"].items()]


def warm_up(solvers: list[Solver], tasks: dict[str, Task]):
    """First call of each solver (numba JIT for skglm) on tiny problems, every
    task; all in this process, so forked runs reuse the compiled code."""
    first_call, total = {}, {}
    for solver in solvers:
        spent = 0.0
        for problem in tiny_problems():
            Xp = solver.prepare(problem.X)
            for task in tasks.values():
                try:
                    solver.check(task)
                except Skip:
                    continue
                inst = make_instance(problem, task)
                try:
                    elapsed, _ = timed(
                        lambda s=solver, Xp=Xp, i=inst, t=task: s.fit(
                            Xp, i.problem.y, i.alpha, t, 1e-4
                        )
                    )
                except Exception as exc:
                    log(f"warm-up {solver.name}: {type(exc).__name__}: {exc}")
                    continue
                spent += elapsed
                first_call.setdefault(solver.name, elapsed)
        total[solver.name] = spent
    return first_call, total


def variant_name(task: Task) -> str:
    """The objective's form, independent of alpha: 'L1', 'EN 0.5', '+ icpt'."""
    name = "L1" if task.l1_ratio == 1.0 else f"EN {task.l1_ratio:g}"
    return name + (" + icpt" if task.fit_intercept else "")


def convention_check(
    solvers: list[Solver],
    tasks: dict[str, Task],
    isolate: bool = False,
    problems: list[Problem] | None = None,
    timeout: float = 30.0,
):
    """Relative suboptimality of each solver's tight solution (its tolerance
    1e-12; saga 20000 epochs) against ours at tol 1e-14, on the tiny problems, for
    each task's (l1_ratio, fit_intercept) at alpha = alpha_max/5 (well
    conditioned, so that saga converges too). Values far below 1e-4 confirm
    the mapping of (alpha, l1_ratio) onto the solver's convention (a wrong C
    or alpha scaling gives >= 1e-3)."""
    out: dict[tuple[str, str, str], Any] = {}
    variants = {variant_name(t): t for t in tasks.values()}
    for problem in problems or tiny_problems():
        for vname, task in variants.items():
            check_task = Task(vname, task.l1_ratio, 0.2, task.fit_intercept)
            inst = make_instance(problem, check_task)
            res = Ours().fit(problem.X, problem.y, inst.alpha, check_task, PSTAR_TOL)
            inst.pstar = inst.objective(res)
            for solver in solvers:
                key = (solver.name, problem.name, vname)
                try:
                    solver.check(task)
                except Skip as exc:
                    out[key] = f"skip: {exc}"
                    continue
                tol = solver.check_setting
                Xp = solver.prepare(problem.X)
                try:
                    _, res = run_timed(
                        lambda s=solver, Xp=Xp, i=inst, tol=tol: s.fit(
                            Xp, i.problem.y, i.alpha, i.task, tol
                        ),
                        timeout=timeout,
                        isolate=isolate,
                    )
                    out[key] = inst.subopt(res)
                except (RunTimeout, RunError) as exc:
                    out[key] = f"error: {type(exc).__name__}: {exc}"[:120]
    return out


def prime(solver: Solver, Xp, inst: Instance, timeout: float) -> None:
    """Untimed fit in this process on the real problem (numba solvers), so
    that every code path is compiled before forked runs reuse it."""
    try:
        run_timed(
            lambda: solver.fit(Xp, inst.problem.y, inst.alpha, inst.task, 1e-6),
            timeout=timeout,
            isolate=False,
        )
    except (RunTimeout, RunError) as exc:
        log(f"  priming {solver.name}: {exc}")


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def cell(results: dict, pname: str, tname: str, sname: str, eps: float) -> str:
    entry = results.get(f"{pname}|{tname}|{sname}")
    if entry is None:
        return "n/a"
    if "skip" in entry:
        return f"skip ({entry['skip']})"
    rungs = entry["rungs"]
    t = time_to_target(rungs, eps)
    if t is None:
        errors = [r.error for r in rungs if r.error]
        if errors and not any(r.times for r in rungs):
            return f"— ({errors[0][:40]})"
        return f"— (best {best_subopt(rungs):.0e})"
    ours = results.get(f"{pname}|{tname}|shrinkage")
    t_ours = time_to_target(ours["rungs"], eps) if ours and "rungs" in ours else None
    if sname == "shrinkage" or t_ours is None:
        return fmt_time(t)
    return f"{fmt_time(t)} ({t / t_ours:.1f}x)"


def peer_times(results, pname, tname, solver_names, eps):
    """{solver: time to eps or None (missed)} for the solvers that ran."""
    out = {}
    for s in solver_names:
        e = results.get(f"{pname}|{tname}|{s}")
        if e and "rungs" in e:
            out[s] = time_to_target(e["rungs"], eps)
    return out


def ratio_str(t_peer, t_ours) -> str:
    if t_ours is None:
        return "-"
    if t_peer is None:
        return "missed"
    return f"{t_peer / t_ours:.2f}"


def speed_summary(results, rows, solver_names, eps) -> tuple[list[str], dict]:
    """Per row: fastest sklearn solver / ours, celer / ours, skglm / ours, and
    whether the issue's targets hold (L1 rows: >= 3x the fastest sklearn
    solver, and no slower than celer and skglm). A peer that never reached
    eps within its caps counts as slower than ours."""
    lines = [
        "| problem | task | ours | fastest sklearn | sklearn / ours | "
        "celer / ours | skglm / ours | >= 3x sklearn | <= celer, skglm |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    tally = {"rows": 0, "sk3": 0, "peers": 0, "sk3_rows": [], "peers_rows": []}
    for pname, tname in rows:
        times = peer_times(results, pname, tname, solver_names, eps)
        if "shrinkage" not in times:
            continue
        t_ours = times["shrinkage"]
        sk = {s: times[s] for s in SKLEARN_SOLVERS if s in times}
        sk_ok = {s: t for s, t in sk.items() if t is not None}
        best_sk = min(sk_ok, key=sk_ok.get) if sk_ok else None
        sk_ratio = (
            ratio_str(sk_ok[best_sk], t_ours) if best_sk else ("missed" if sk else "-")
        )
        cel = ratio_str(times["celer"], t_ours) if "celer" in times else "-"
        skg = ratio_str(times["skglm"], t_ours) if "skglm" in times else "-"
        verdict_sk = verdict_peers = "-"
        if t_ours is None:
            verdict_sk = verdict_peers = "no (ours missed)"
        else:
            if sk:
                met = best_sk is None or sk_ok[best_sk] >= 3 * t_ours
                verdict_sk = "yes" if met else "no"
            others = [times[s] for s in ("celer", "skglm") if s in times]
            if others:
                met = all(t is None or t >= t_ours for t in others)
                verdict_peers = "yes" if met else "no"
        if tname in L1_TASKS:
            tally["rows"] += 1
            if verdict_sk == "yes":
                tally["sk3"] += 1
            else:
                tally["sk3_rows"].append(f"{pname}/{tname}")
            if verdict_peers == "yes":
                tally["peers"] += 1
            else:
                tally["peers_rows"].append(f"{pname}/{tname}")
        lines.append(
            f"| {pname} | {tname} | {fmt_time(t_ours) if t_ours else '— (missed)'} "
            f"| {best_sk or '-'} | {sk_ratio} | {cel} | {skg} | {verdict_sk} "
            f"| {verdict_peers} |"
        )
    return lines, tally


def write_report(path: Path, state: dict) -> None:
    args, results = state["args"], state["results"]
    solver_names = [s.name for s in state["solvers"]] + list(state["failed"])
    rows = state["rows"]
    load_now = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    out = [
        f"# Logistic regression: shrinkage vs peers ({state['mode']} run)",
        "",
        f"Generated {state['started']} by `{state['command']}`; "
        f"elapsed {time.time() - state['t0']:.0f} s.",
        "",
        f"- Load average (1, 5, 15 min) at start: "
        f"{', '.join(f'{v:.2f}' for v in state['load_start'])}; at this "
        f"writing: {', '.join(f'{v:.2f}' for v in load_now)} "
        f"({os.cpu_count()} logical cores; timings are noisy when the load "
        "exceeds the core count)",
        *machine_info(args.threads, state["solvers"], state["failed"]),
        f"- shrinkage measured: {state['source']}",
        "",
        "Objective (every solver scored with the same NumPy function): mean "
        "logistic loss + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 "
        "||w||^2, labels +-1, **no intercept** in the tasks l1-10, l1-100 and "
        "enet-100 (liblinear would penalise an intercept, celer fits none; "
        "benchopt's L1 logreg uses the same convention). Tasks: l1-10 / "
        "l1-100 = L1 at alpha_max/10 and alpha_max/100; enet-100 = "
        "l1_ratio 0.5 at alpha_max(0.5)/100 with alpha_max(l1_ratio) = "
        "||X^T (y01 - 1/2)||_inf / (n l1_ratio); l1-100-icpt (optional) = "
        "L1 at alpha_max/100 with an unpenalised intercept, alpha_max = "
        "||X^T (y01 - mean(y01))||_inf / n.",
        "",
        "Cells: median wall time (of `--repeat` runs) of the fastest "
        f"tolerance setting ({args.ladder_steps} per decade from 1e-2; saga: "
        "epochs) whose solution reaches the target relative "
        "suboptimality (P - P*)/P*, and in brackets that time divided by ours "
        "(> 1: ours is faster). `—`: never reached within the caps (best "
        "suboptimality seen, or the error/timeout). `skip`: the solver does "
        "not minimise this objective.",
        "",
    ]
    if state["problem_desc"]:
        out += [
            "## Problems",
            "",
            "| problem | shape | alpha_max (no intercept) | alpha_max check "
            "(no intercept) | alpha_max check (intercept) |",
            "|---|---|---|---|---|",
        ]
        for pname, d in state["problem_desc"].items():
            out.append(
                f"| {pname} | {d['shape']} | {d.get('amax', float('nan')):.4g} | "
                f"{d.get('check', '-')} | {d.get('check_icpt', '-')} |"
            )
        out += [
            "",
            "alpha_max check: ours (tol 1e-8) returns w = 0 at 1.001 alpha_max "
            "and a nonzero w at 0.99 alpha_max (nonzero counts given).",
            "",
        ]
    if state["skipped_problems"]:
        out += [
            "Skipped problems: "
            + "; ".join(f"{k} ({v})" for k, v in state["skipped_problems"].items()),
            "",
        ]
    if state["skipped_rows"]:
        out += [
            "Skipped rows (no reference optimum): "
            + "; ".join(f"{k} ({v})" for k, v in state["skipped_rows"].items()),
            "",
        ]
    for eps in state["targets"]:
        out += [f"## Time to relative suboptimality {eps:g}", ""]
        out.append("| problem | task | " + " | ".join(solver_names) + " |")
        out.append("|---|---|" + "---|" * len(solver_names))
        for pname, tname in rows:
            cells = [
                "import failed"
                if s in state["failed"]
                else cell(results, pname, tname, s, eps)
                for s in solver_names
            ]
            out.append(f"| {pname} | {tname} | " + " | ".join(cells) + " |")
        out.append("")
        lines, tally = speed_summary(results, rows, solver_names, eps)
        out += [f"### Speed-up summary at {eps:g}", "", *lines, ""]
        if tally["rows"]:
            out += [
                f"Issue targets on the L1 rows at {eps:g}: ours >= 3x the fastest "
                f"scikit-learn solver on {tally['sk3']} of {tally['rows']} rows"
                + (
                    f" (not on: {', '.join(tally['sk3_rows'])})"
                    if tally["sk3_rows"]
                    else ""
                )
                + f"; ours no slower than celer and skglm on {tally['peers']} of "
                f"{tally['rows']} rows"
                + (
                    f" (not on: {', '.join(tally['peers_rows'])})"
                    if tally["peers_rows"]
                    else ""
                )
                + ".",
                "",
            ]
        state.setdefault("tally", {})[f"{eps:g}"] = tally

    out += [
        "## Reference optimum P*",
        "",
        "P* = min(ours at tol=1e-14, reference peer at tol=1e-14: celer for "
        "the L1 tasks without intercept, skglm otherwise; each limited to "
        f"--pstar-timeout = {args.pstar_timeout:g} s). 'rel. diff' = "
        "(P_ours - P_ref)/P_ref, flagged when above 1e-10 in size ('ours "
        "lower': the peer's tight solve fell short); 'below P*' lists runs "
        "whose objective went below P* by more than 1e-10 relative.",
        "",
        "| problem | task | alpha | P* | nnz(w*) | ours tight (s) | ref | "
        "ref tight (s) | rel. diff | flag | below P* |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for pname, tname in rows:
        ps = results.get(f"{pname}|{tname}|pstar")
        if ps is None:
            continue
        info = ps["info"]
        diff = info.get("rel_diff")
        ref = info.get("ref", "-")
        if "ref_error" in info:
            ref += f" ({info['ref_error'][:50]})"
        flag = "ok"
        if "ours_error" in info:
            flag = f"ours failed: {info['ours_error'][:50]}"
        elif diff is not None and abs(diff) > 1e-10:
            flag = "ours lower" if diff < 0 else "DISAGREE (ours higher)"
        out.append(
            f"| {pname} | {tname} | {ps['alpha']:.4g} | {ps['pstar']:.12g} | "
            f"{info.get('nnz', '-')} | {info.get('ours_time', float('nan')):.3g} | "
            f"{ref} | "
            f"{info.get('ref_time', float('nan')):.3g} | "
            f"{'-' if diff is None else f'{diff:.1e}'} | {flag} | "
            f"{', '.join(ps.get('below', [])) or '-'} |"
        )
    out.append("")

    out += [
        "## Warm-up (excluded from the tables above)",
        "",
        "First call: the very first fit of the process on a tiny dense problem "
        "(numba JIT compilation for skglm; first-call overhead for the "
        "others); total: all tiny warm-up fits (dense and sparse, every task).",
        "",
        "| solver | first call | all warm-up fits |",
        "|---|---|---|",
    ]
    for s in state["solvers"]:
        fc = state["first_call"].get(s.name)
        out.append(
            f"| {s.name} | {fmt_time(fc) if fc is not None else '-'} | "
            f"{fmt_time(state['warm_total'].get(s.name, 0.0))} |"
        )
    out.append("")

    check = state["check"]
    if check:
        tnames = list(dict.fromkeys(k[2] for k in check))
        out += [
            "## Convention check (tiny problems)",
            "",
            "Relative suboptimality of each solver's tight solution (tol 1e-12; "
            "saga 20000 epochs) against ours at tol=1e-14, on a 40x120 dense and an "
            "80x300 sparse problem, with each task's l1_ratio and intercept "
            "setting at alpha = alpha_max/5. Values far below 1e-4 confirm "
            "the mapping of (alpha, l1_ratio) onto the solver's convention (a "
            "wrong C or alpha scaling shows as >= 1e-3).",
            "",
            "| solver | "
            + " | ".join(f"{p} {t}" for p in ("dense", "sparse") for t in tnames)
            + " |",
            "|---|" + "---|" * (2 * len(tnames)),
        ]
        for s in state["solvers"]:
            cells = []
            for p in TINY_PROBLEMS:
                for t in tnames:
                    v = check.get((s.name, p, t))
                    cells.append(f"{v:.0e}" if isinstance(v, float) else str(v))
            out.append(f"| {s.name} | " + " | ".join(cells) + " |")
        out.append("")

    notes = []
    for key, entry in results.items():
        if key.endswith("|pstar") or "rungs" not in entry:
            continue
        if entry.get("note") not in (None, "", "reached"):
            notes.append(f"- {key.replace('|', '/')}: ladder stopped ({entry['note']})")
    if notes:
        out += ["## Ladder notes", "", *sorted(notes), ""]
    if state.get("plot"):
        out += ["## Suboptimality vs time", "", f"![{state['mode']}]({state['plot']})"]
        out.append("")
    path.write_text("\n".join(out))


def plot(path: Path, rows, results, solver_names, targets) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    problems = list(dict.fromkeys(p for p, _ in rows))
    tasks = list(dict.fromkeys(t for _, t in rows))
    if not problems:
        return None
    fig, axes = plt.subplots(
        len(problems),
        len(tasks),
        figsize=(3.6 * len(tasks), 2.8 * len(problems)),
        squeeze=False,
    )
    colors = {s: f"C{i}" for i, s in enumerate(ALL_SOLVERS)}
    for i, pname in enumerate(problems):
        for j, tname in enumerate(tasks):
            ax = axes[i][j]
            if (pname, tname) not in rows:
                ax.axis("off")
                continue
            for s in solver_names:
                e = results.get(f"{pname}|{tname}|{s}")
                if not e or "rungs" not in e:
                    continue
                pts = [(r.median, max(r.subopt, 1e-16)) for r in e["rungs"] if r.times]
                if pts:
                    xs, ys = zip(*pts, strict=True)
                    ax.loglog(xs, ys, marker="o", ms=3, label=s, color=colors.get(s))
            for eps in targets:
                ax.axhline(eps, color="gray", lw=0.6, ls="--")
            ax.set_title(f"{pname}: {tname}", fontsize=9)
            ax.tick_params(labelsize=7)
            if i == len(problems) - 1:
                ax.set_xlabel("time (s)", fontsize=8)
            if j == 0:
                ax.set_ylabel("(P - P*) / P*", fontsize=8)
    handles, labels = [], []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="upper center", ncol=len(labels), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / (2.8 * len(problems))))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def serialise(state: dict) -> dict:
    results = {}
    for key, entry in state["results"].items():
        e = dict(entry)
        if "rungs" in e:
            e["rungs"] = [r.__dict__ for r in e["rungs"]]
        results[key] = e
    return {
        "meta": {
            "mode": state["mode"],
            "command": state["command"],
            "started": state["started"],
            "load_start": state["load_start"],
            "load_end": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "source": state["source"],
            "solvers": {s.name: s.version() for s in state["solvers"]},
            "failed": state["failed"],
            "targets": state["targets"],
            "problems": state["problem_desc"],
            "skipped_problems": state["skipped_problems"],
            "skipped_rows": state["skipped_rows"],
            "first_call": state["first_call"],
            "warm_total": state["warm_total"],
            "convention_check": {"|".join(k): v for k, v in state["check"].items()},
            "tally": state.get("tally", {}),
        },
        "results": results,
    }


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="small synthetic problems + leukemia, tasks l1-10 and l1-100, "
        "1 repeat, tight caps (~2 min)",
    )
    ap.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--problems", help="comma-separated: " + ",".join(ALL_PROBLEMS))
    ap.add_argument("--tasks", help="comma-separated: " + ",".join(TASKS))
    ap.add_argument("--solvers", help="comma-separated: " + ",".join(ALL_SOLVERS))
    ap.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="NAME=NxP[@DENS]",
        help="override a synthetic problem's size, e.g. synth-sparse=2000x20000@1e-3",
    )
    ap.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/numba threads")
    ap.add_argument("--repeat", type=int, help="runs per setting (default 3; quick 1)")
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
        help="tolerance settings per decade, 1e-2 to 1e-14 (default 1; "
        "saga's epoch ladder is unchanged)",
    )
    ap.add_argument(
        "--max-run-seconds",
        type=float,
        help="stop a ladder after a run this long (default 20; quick 4)",
    )
    ap.add_argument(
        "--budget",
        type=float,
        help="seconds per solver and (problem, task) (default 60; quick 8)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        help="hard per-run limit in seconds, the run's process is killed "
        "(default 60; quick 8)",
    )
    ap.add_argument(
        "--pstar-timeout",
        type=float,
        help="hard limit of each tight reference solve (default 120; quick 20)",
    )
    ap.add_argument("--targets", default="1e-4,1e-6")
    ap.add_argument(
        "--no-isolate",
        action="store_true",
        help="run in this process (SIGALRM soft timeout) instead of forked children",
    )
    ap.add_argument("--no-check", action="store_true", help="skip the convention check")
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument(
        "--name", help="output base name (default logistic; quick logistic_quick)"
    )
    args = ap.parse_args(argv)
    small = args.quick or args.tiny
    if args.repeat is None:
        args.repeat = 1 if small else 3
    if args.max_run_seconds is None:
        args.max_run_seconds = 4.0 if small else 20.0
    if args.budget is None:
        args.budget = 8.0 if small else 60.0
    if args.ladder_steps < 1:
        raise SystemExit("--ladder-steps must be at least 1")
    if args.timeout is None:
        args.timeout = 8.0 if small else 60.0
    if args.pstar_timeout is None:
        args.pstar_timeout = 20.0 if small else 120.0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    threads = str(args.threads)
    for var in (  # before numba (skglm) is imported and BLAS pools are created
        "NUMBA_NUM_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    ):
        os.environ[var] = threads
    from threadpoolctl import threadpool_limits

    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    default_problems = {"tiny": TINY_PROBLEMS, "quick": QUICK_PROBLEMS}
    problems = (
        args.problems.split(",")
        if args.problems
        else default_problems.get(mode, ALL_PROBLEMS)
    )
    task_names = (
        args.tasks.split(",")
        if args.tasks
        else (QUICK_TASKS if mode == "quick" else FULL_TASKS)
    )
    for t in task_names:
        if t not in TASKS:
            raise SystemExit(f"unknown task {t!r}; choose from {list(TASKS)}")
    sizes = {**SIZES["tiny"], **SIZES["quick" if mode != "full" else "full"]}
    sizes.update(parse_sizes(args.size))
    for p in problems:
        if p not in REAL_FILES and p not in sizes:
            raise SystemExit(f"unknown problem {p!r}; choose from {ALL_PROBLEMS}")
    solver_names = args.solvers.split(",") if args.solvers else list(ALL_SOLVERS)
    if "shrinkage" not in solver_names:
        solver_names = ["shrinkage", *solver_names]
    tasks = {t: TASKS[t] for t in task_names}
    targets = sorted((float(v) for v in args.targets.split(",")), reverse=True)
    name = args.name or {"full": "logistic"}.get(mode, f"logistic_{mode}")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / f"{name}.md"
    isolate = not args.no_isolate

    with threadpool_limits(limits=args.threads):
        solvers, failed = make_solvers(solver_names)
        for solver in solvers:
            if solver.setting == "tol":
                solver.ladder = tol_ladder(args.ladder_steps)
        state: dict[str, Any] = {
            "args": args,
            "mode": mode,
            "t0": time.time(),
            "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "load_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else [],
            "source": source_state(),
            "command": "python benchmarks/bench_logistic.py "
            + " ".join(sys.argv[1:] if argv is None else argv),
            "solvers": solvers,
            "failed": failed,
            "tasks_all": list(tasks),
            "targets": targets,
            "results": {},
            "rows": [],
            "problem_desc": {},
            "skipped_problems": {},
            "skipped_rows": {},
            "check": {},
        }
        log(f"warm-up of {[s.name for s in solvers]}")
        state["first_call"], state["warm_total"] = warm_up(solvers, tasks)
        if not args.no_check:
            log("convention check")
            state["check"] = convention_check(solvers, tasks, isolate)
            for key, val in state["check"].items():
                if not isinstance(val, float) or val > 1e-6:
                    log(f"  convention check {key}: {val}")
        results = state["results"]
        for pname in problems:
            if pname in REAL_FILES:
                path = os.path.join(args.data_dir, REAL_FILES[pname])
                if not os.path.exists(path):
                    state["skipped_problems"][pname] = f"{path} not found"
                    log(f"problem {pname}: skipped ({path} not found)")
                    continue
                problem = load_real(pname, args.data_dir)
            else:
                problem = make_synthetic(pname, sizes[pname])
            desc = {"shape": problem.shape_str}
            desc["amax"] = alpha_max(problem.X, problem.y)
            desc["check"] = check_alpha_max(problem, False)
            desc["check_icpt"] = check_alpha_max(problem, True)
            state["problem_desc"][pname] = desc
            log(f"problem {pname}: {problem.shape_str}; alpha_max {desc['check']}")
            prepared = {s.name: s.prepare(problem.X) for s in solvers}
            for tname, task in tasks.items():
                inst = make_instance(problem, task)
                log(f"{pname}/{tname}: P* (alpha = {inst.alpha:.4g})")
                try:
                    compute_pstar(inst, solvers, args.pstar_timeout, isolate)
                except RunError as exc:
                    log(f"  {pname}/{tname} skipped: {exc}")
                    state["skipped_rows"][f"{pname}/{tname}"] = str(exc)[:200]
                    continue
                if abs(inst.info.get("rel_diff", 0.0)) > 1e-10:
                    log(f"  P* ours vs {inst.info['ref']}: {inst.info['rel_diff']:.2e}")
                entry = {
                    "pstar": inst.pstar,
                    "alpha": inst.alpha,
                    "amax": inst.amax,
                    "info": inst.info,
                    "below": [],
                }
                results[f"{pname}|{tname}|pstar"] = entry
                state["rows"].append((pname, tname))
                for solver in solvers:
                    key = f"{pname}|{tname}|{solver.name}"
                    try:
                        solver.check(task)
                    except Skip as exc:
                        results[key] = {"skip": str(exc)}
                        continue
                    Xp = prepared[solver.name]
                    if solver.jit and isolate:
                        prime(solver, Xp, inst, args.timeout)
                    rungs, note = run_ladder(solver, Xp, inst, args, min(targets))
                    results[key] = {"rungs": rungs, "note": note}
                    low = min((r.subopt for r in rungs if r.times), default=0.0)
                    if low < -1e-10:
                        entry["below"].append(f"{solver.name} ({low:.1e})")
                write_report(report, state)
            del problem, prepared
            gc.collect()
        png = plot(
            out_dir / f"{name}.png",
            state["rows"],
            results,
            [s.name for s in solvers],
            targets,
        )
        if png is not None:
            state["plot"] = png.name
        write_report(report, state)
        (out_dir / f"{name}.json").write_text(
            json.dumps(serialise(state), indent=1, default=str)
        )
        log(f"done in {time.time() - state['t0']:.0f} s: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
