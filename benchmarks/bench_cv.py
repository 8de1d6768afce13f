"""Cross-validation benchmark (issue 4): LassoCV, ElasticNetCV and RidgeCV.

Three parts, each against scikit-learn on the same data, folds and grid, one
BLAS thread (threadpoolctl):

``cv``
    ``LassoCV`` and ``ElasticNetCV`` (l1_ratio grid ``[0.5, 0.9, 1]``), ours
    vs scikit-learn, 5-fold ``KFold`` (the same splitter object passed to
    both), the same explicit 100-alpha grid, the same duality-gap tolerance
    (see "Tolerances" below), ``n_jobs=1`` for both. Median wall time of the
    repeats, the ratio, both chosen alphas (and l1_ratios), the max relative
    difference of the mean CV MSE curves.
``jobs``
    Our ``LassoCV`` with ``n_jobs=2`` vs ``n_jobs=1`` (threads; the kernels
    release the GIL), runs interleaved, median speed-up, process CPU / wall,
    and a diagnosis run that times every fold task, fold copy and the final
    refit (by wrapping the module-level helpers of ``shrinkage._cv``) to give
    the best speed-up two workers can reach with those tasks.
``ridge``
    ``RidgeCV`` with 50 alphas (leave-one-out, both libraries' default
    ``cv=None``, ``gcv_mode`` auto) on tall dense and sparse data: time,
    chosen alpha, tracemalloc peak (NumPy reports its buffers to it), and how
    our peak grows with n.

Tolerances. scikit-learn's coordinate descent stops when its duality gap,
computed on the unscaled objective ``1/2 ||yc - Xc w||^2 + n alpha (...)``,
is ``<= tol * ||yc||^2`` (yc: the fold's centred target; it only evaluates the
gap once the largest coefficient change, relative to the largest
coefficient, is ``<= tol``). Dividing by n, that is a gap ``<= tol *
mean(yc^2)`` on the scaled objective ``1/(2n) ||.||^2 + alpha (...)``, which
is exactly ours (``scaled_tolerance`` in ``shrinkage._coordinate_descent``:
``tol * mean((y - ybar)^2)`` with an intercept). Both get the same ``tol``
(default 1e-4, both libraries' default) and a generous ``max_iter`` so that
the gap criterion, not the epoch cap, stops the solves; convergence warnings
are counted and reported.

Usage (from the repository root)::

    python benchmarks/bench_cv.py --quick      # about 2 minutes
    python benchmarks/bench_cv.py              # full run (see README)
    python benchmarks/bench_cv.py --parts ridge --name ridge

Results: ``benchmarks/results/cv.md`` and ``cv.json`` (``cv_<name>.*`` with
``--name``, ``cv_quick.*`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_peers import (  # noqa: E402  (problem generators shared with it)
    DEFAULT_DATA,
    REAL_FILES,
    Problem,
    code_state,
    cpu_name,
    fmt_time,
    load_real,
    make_synthetic,
    parse_sizes,
)

ALL_PARTS = ["cv", "jobs", "profile", "ridge"]
ALL_ESTIMATORS = ["lasso", "enet"]
ENET_L1_RATIOS = [0.5, 0.9, 1.0]

# (n, p, density); density None: dense AR(1) design (bench_peers generator).
CV_SIZES = {
    "full": {
        "dense-wide": (500, 5000, None),
        "sparse-wide": (5000, 50_000, 1e-3),
        "dense-tall": (100_000, 200, None),
    },
    "quick": {
        "dense-wide": (150, 1500, None),
        "sparse-wide": (1000, 5000, 4e-3),
        "dense-tall": (20_000, 100, None),
    },
    "tiny": {
        "dense-wide": (40, 120, None),
        "sparse-wide": (60, 200, 0.05),
        "dense-tall": (300, 10, None),
    },
}
# Part cv's default problems (dense-tall and cadata: n >> p, Gram mode).
CV_PROBLEMS = {
    "full": ["dense-wide", "sparse-wide", "leukemia", "rcv1", "dense-tall", "cadata"],
    "quick": ["dense-wide", "sparse-wide", "leukemia", "dense-tall"],
    "tiny": ["dense-wide", "sparse-wide"],
}
RIDGE_SIZES = {
    "full": {
        "dense-tall": (200_000, 200, None),
        "dense-mid": (20_000, 500, None),
        "sparse-tall": (100_000, 2000, 1e-3),
    },
    "quick": {
        "dense-tall": (20_000, 100, None),
        "dense-mid": (5000, 200, None),
        "sparse-tall": (20_000, 500, 2e-3),
    },
    "tiny": {
        "dense-tall": (300, 10, None),
        "dense-mid": (200, 20, None),
        "sparse-tall": (400, 30, 0.05),
    },
}
# Our peak memory is measured at n / 4, n / 2 and n for these.
SCALING_PROBLEMS = ["dense-tall", "sparse-tall"]


def log(msg: str) -> None:
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {msg}", file=sys.stderr, flush=True)


def load() -> float:
    """1-minute load average (NaN where the platform has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


# --------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------


def measure(fn: Callable[[], Any], trace: bool = False) -> dict:
    """Run ``fn()`` once: wall time, process CPU time, convergence warnings,
    and (``trace``) the tracemalloc peak in bytes."""
    from sklearn.exceptions import ConvergenceWarning

    gc.collect()
    load_before = load()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if trace:
            tracemalloc.start()
        try:
            c0, t0 = time.process_time(), time.perf_counter()
            out = fn()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            peak = tracemalloc.get_traced_memory()[1] if trace else None
        finally:
            if trace:
                tracemalloc.stop()
    n_conv = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    return {
        "wall": wall,
        "cpu": cpu,
        "peak": peak,
        "conv_warnings": n_conv,
        "load": 0.5 * (load_before + load()),
        "out": out,
    }


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


def get_problem(name: str, sizes: dict, data_dir: str) -> Problem:
    if name in REAL_FILES:
        return load_real(name, data_dir)
    return make_synthetic(name, sizes[name])


def alpha_grid(X, y, n_alphas: int, eps: float) -> np.ndarray:
    """``n_alphas`` values from alpha_max (Lasso, with intercept) down to
    ``eps * alpha_max``: the default grid of both libraries, computed once
    here and passed to both."""
    yc = y - y.mean()
    amax = float(np.max(np.abs(np.asarray(X.T @ yc).ravel())) / len(y))
    return np.geomspace(amax, amax * eps, n_alphas)


# --------------------------------------------------------------------------
# Part cv: LassoCV / ElasticNetCV vs scikit-learn
# --------------------------------------------------------------------------


def cv_estimators(kind: str, alphas, folds, tol: float, max_iter: int):
    """(ours, sklearn) estimators with identical settings; n_jobs=1 both."""
    from sklearn import linear_model as sklm

    import shrinkage

    common = dict(alphas=alphas, cv=folds, tol=tol, max_iter=max_iter, n_jobs=None)
    if kind == "lasso":
        return shrinkage.LassoCV(**common), sklm.LassoCV(**common)
    return (
        shrinkage.ElasticNetCV(l1_ratio=ENET_L1_RATIOS, **common),
        sklm.ElasticNetCV(l1_ratio=ENET_L1_RATIOS, **common),
    )


def mean_curve(model) -> np.ndarray:
    """Mean CV MSE over folds: (n_alphas,) or (n_l1_ratio, n_alphas)."""
    return np.asarray(model.mse_path_).mean(axis=-1)


def cv_row(problem: Problem, kind: str, args) -> dict:
    from sklearn.base import clone
    from sklearn.model_selection import KFold

    X, y = problem.X, problem.y
    alphas = alpha_grid(X, y, args.n_alphas, args.eps)
    folds = KFold(n_splits=args.folds, shuffle=True, random_state=0)
    ours, skl = cv_estimators(kind, alphas, folds, args.tol, args.max_iter)
    runs: dict[str, list[dict]] = {"ours": [], "sklearn": []}
    fitted: dict[str, Any] = {}
    for rep in range(args.repeat):
        for name, est in (("ours", ours), ("sklearn", skl)):
            done = runs[name]
            if rep > 0 and done[0]["wall"] > args.repeat_cap:
                continue
            model = clone(est)
            res = measure(lambda m=model: m.fit(X, y))
            res.pop("out")
            done.append(res)
            fitted[name] = model
            log(
                f"  {kind:5s} {name:7s} run {rep + 1}: {res['wall']:.3f} s "
                f"(load {res['load']:.1f})"
            )
    mo, ms = fitted["ours"], fitted["sklearn"]
    # sklearn keeps an explicit grid 1-D; ours is (n_l1_ratio, n_alphas).
    grid_o = np.atleast_2d(mo.alphas_)
    grid_s = np.broadcast_to(np.atleast_2d(ms.alphas_), grid_o.shape)
    if not np.allclose(grid_o, grid_s, rtol=1e-12):
        raise RuntimeError("the two libraries did not use the same alpha grid")
    curve_o, curve_s = mean_curve(mo), mean_curve(ms)
    # How flat the curve is between the two choices: our mean CV error at
    # sklearn's chosen (alpha, l1_ratio) relative to ours at our choice.
    if curve_o.ndim == 1:
        k_o = int(np.argmin(curve_o))
        k_s = int(np.flatnonzero(np.isclose(alphas, ms.alpha_, rtol=1e-12))[0])
        flat = float(curve_o[k_s] / curve_o[k_o] - 1.0)
    else:
        i_o, k_o = np.unravel_index(np.argmin(curve_o), curve_o.shape)
        i_s = ENET_L1_RATIOS.index(float(ms.l1_ratio_))
        k_s = int(np.flatnonzero(np.isclose(alphas, ms.alpha_, rtol=1e-12))[0])
        flat = float(curve_o[i_s, k_s] / curve_o[i_o, k_o] - 1.0)
    t_o = median([r["wall"] for r in runs["ours"]])
    t_s = median([r["wall"] for r in runs["sklearn"]])
    row = {
        "problem": problem.name,
        "shape": problem.shape_str,
        "estimator": "LassoCV" if kind == "lasso" else "ElasticNetCV",
        "l1_ratios": [1.0] if kind == "lasso" else ENET_L1_RATIOS,
        "n_alphas": len(alphas),
        "folds": args.folds,
        "ours_times": [r["wall"] for r in runs["ours"]],
        "sk_times": [r["wall"] for r in runs["sklearn"]],
        "ours_cpu": [r["cpu"] for r in runs["ours"]],
        "sk_cpu": [r["cpu"] for r in runs["sklearn"]],
        "ours_median": t_o,
        "sk_median": t_s,
        "ratio": t_s / t_o,
        "cpu_ratio": median([r["cpu"] for r in runs["sklearn"]])
        / median([r["cpu"] for r in runs["ours"]]),
        "ours_alpha": float(mo.alpha_),
        "sk_alpha": float(ms.alpha_),
        "alpha_index": [int(k_o), int(k_s)],
        "ours_l1_ratio": float(getattr(mo, "l1_ratio_", 1.0)),
        "sk_l1_ratio": float(getattr(ms, "l1_ratio_", 1.0)),
        "same_alpha": bool(
            np.isclose(mo.alpha_, ms.alpha_, rtol=1e-12)
            and np.isclose(getattr(mo, "l1_ratio_", 1.0), getattr(ms, "l1_ratio_", 1.0))
        ),
        "mse_max_rel_diff": max_rel_diff(curve_o, curve_s),
        "flatness": flat,
        "ours_conv_warnings": runs["ours"][0]["conv_warnings"],
        "sk_conv_warnings": runs["sklearn"][0]["conv_warnings"],
        "load": median([r["load"] for r in runs["ours"] + runs["sklearn"]]),
        "ours_curve": curve_o.tolist(),
        "sk_curve": curve_s.tolist(),
    }
    if args.reference_tol and t_o <= args.reference_cap:
        row.update(
            reference_curve(problem, kind, alphas, folds, args, curve_o, curve_s)
        )
    return row


def reference_curve(problem, kind, alphas, folds, args, curve_o, curve_s) -> dict:
    """Our CV at a tight tolerance (untimed, 2 threads): how far each
    library's curve at ``--tol`` is from the (nearly) exact CV curve."""
    ours, _ = cv_estimators(
        kind, alphas, folds, args.reference_tol, 100 * args.max_iter
    )
    ours.set_params(n_jobs=2)
    res = measure(lambda: ours.fit(problem.X, problem.y))
    ref = mean_curve(res["out"])
    log(f"  {kind:5s} reference tol={args.reference_tol:g}: {res['wall']:.1f} s")
    return {
        "ref_tol": args.reference_tol,
        "ref_time": res["wall"],
        "ref_alpha": float(res["out"].alpha_),
        "ref_l1_ratio": float(getattr(res["out"], "l1_ratio_", 1.0)),
        "ours_vs_ref": max_rel_diff(curve_o, ref),
        "sk_vs_ref": max_rel_diff(curve_s, ref),
        **choice_against_reference(curve_o, curve_s, ref),
    }


def choice_against_reference(
    curve_o: np.ndarray, curve_s: np.ndarray, ref: np.ndarray, window: int = 5
) -> dict:
    """Whether each library's choice is the exact curve's, and why not.

    The choice is the argmin of a mean CV curve. It is settled by the
    solves' accuracy only where their curve's error near the minimum is
    below the exact curve's own 'margin' there (how much worse than the
    minimum the runner-up grid point is). Returned: that margin, each
    library's max relative error within ``window`` grid steps of the exact
    argmin (on its l1_ratio row), and each choice's offset from the exact
    one in grid steps (``None``: another l1_ratio).
    """
    ref2, curves = np.atleast_2d(ref), {"ours": curve_o, "sk": curve_s}
    row, k_ref = np.unravel_index(int(np.argmin(ref2)), ref2.shape)
    line = ref2[row]
    others = np.delete(line, k_ref)
    out: dict = {
        "ref_index": int(k_ref),
        "ref_margin": float(others.min() / line[k_ref] - 1.0) if others.size else 0.0,
    }
    lo, hi = max(k_ref - window, 0), k_ref + window + 1
    for name, curve in curves.items():
        c2 = np.atleast_2d(curve)
        out[f"{name}_near_ref"] = max_rel_diff(c2[row, lo:hi], line[lo:hi])
        r, k = np.unravel_index(int(np.argmin(c2)), c2.shape)
        out[f"{name}_steps_from_ref"] = int(k - k_ref) if r == row else None
    return out


# --------------------------------------------------------------------------
# Part jobs: n_jobs=2 vs n_jobs=1, and where the time goes
# --------------------------------------------------------------------------


def jobs_row(problem: Problem, args) -> dict:
    from sklearn.model_selection import KFold

    import shrinkage

    X, y = problem.X, problem.y
    alphas = alpha_grid(X, y, args.n_alphas, args.eps)
    folds = KFold(n_splits=args.folds, shuffle=True, random_state=0)

    def fit(n_jobs: int):
        model = shrinkage.LassoCV(
            alphas=alphas, cv=folds, tol=args.tol, max_iter=args.max_iter, n_jobs=n_jobs
        )
        return model.fit(X, y)

    runs: dict[int, list[dict]] = {1: [], 2: []}
    reps = max(args.repeat, 3) if not args.tiny else 1
    for _ in range(reps):  # interleaved, so load drift hits both alike
        for n_jobs in (1, 2):
            res = measure(lambda n_jobs=n_jobs: fit(n_jobs))
            res.pop("out")
            runs[n_jobs].append(res)
            log(
                f"  n_jobs={n_jobs} {res['wall']:.3f} s cpu {res['cpu']:.3f} s "
                f"(load {res['load']:.1f})"
            )
    t1 = median([r["wall"] for r in runs[1]])
    t2 = median([r["wall"] for r in runs[2]])
    row = {
        "problem": problem.name,
        "shape": problem.shape_str,
        "times_1": [r["wall"] for r in runs[1]],
        "times_2": [r["wall"] for r in runs[2]],
        "cpu_1": [r["cpu"] for r in runs[1]],
        "cpu_2": [r["cpu"] for r in runs[2]],
        "median_1": t1,
        "median_2": t2,
        "speedup": t1 / t2,
        "cpu_per_wall_1": median([r["cpu"] / r["wall"] for r in runs[1]]),
        "cpu_per_wall_2": median([r["cpu"] / r["wall"] for r in runs[2]]),
        "load": median([r["load"] for r in runs[1] + runs[2]]),
        "usable_cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
    }
    try:
        row["diagnosis"] = {str(n): diagnose(fit, n) for n in (1, 2)}
        row["bound"] = two_worker_bound(row["diagnosis"]["1"])
    except Exception as exc:  # internals renamed: the timing still stands
        row["diagnosis_error"] = f"{type(exc).__name__}: {exc}"
        log(f"  diagnosis failed: {row['diagnosis_error']}")
    return row


def diagnose(fit: Callable[[int], Any], n_jobs: int) -> dict:
    """One instrumented fit: wall and thread-CPU time of every fold copy
    (``_rows``), fold path (``solve_path``; in Gram mode a fold task,
    ``_gram_fold``: its Gram form, its paths and their scoring) and the final
    refit (``solve_data``), by wrapping those names in ``shrinkage._cv``."""
    import threading

    from shrinkage import _cv

    names = {
        "rows": "_rows",
        "path": "solve_path",
        "gram_fold": "_gram_fold",
        "refit": "solve_data",
    }
    events: list[dict] = []
    lock = threading.Lock()
    originals = {key: getattr(_cv, attr) for key, attr in names.items()}

    def wrap(key: str, fn: Callable) -> Callable:
        def wrapped(*a, **k):
            s0 = schedstat()
            c0, t0 = time.thread_time(), time.perf_counter()
            out = fn(*a, **k)
            ev = {
                "what": key,
                "thread": threading.get_ident(),
                "start": t0,
                "wall": time.perf_counter() - t0,
                "thread_cpu": time.thread_time() - c0,
            }
            s1 = schedstat()
            if s0 and s1:
                # Linux: time on a CPU and time runnable but waiting for one;
                # the rest of the wall time the thread slept (a lock: the GIL).
                ev["run_wait"] = s1[1] - s0[1]
                ev["blocked"] = ev["wall"] - (s1[0] - s0[0]) - ev["run_wait"]
            with lock:
                events.append(ev)
            return out

        return wrapped

    try:
        for key, attr in names.items():
            setattr(_cv, attr, wrap(key, originals[key]))
        res = measure(lambda: fit(n_jobs))
    finally:
        for key, attr in names.items():
            setattr(_cv, attr, originals[key])
    t_start = min((e["start"] for e in events), default=0.0)
    for e in events:
        e["start"] -= t_start
    by = {k: [e for e in events if e["what"] == k] for k in names}
    gram = bool(by["gram_fold"])
    by["path"] = sorted(by["path"] + by.pop("gram_fold"), key=lambda e: e["start"])
    return {
        "n_jobs": n_jobs,
        "gram": gram,
        "wall": res["wall"],
        "cpu": res["cpu"],
        "rows": [e["wall"] for e in by["rows"]],
        "paths": [e["wall"] for e in by["path"]],
        "paths_thread_cpu": [e["thread_cpu"] for e in by["path"]],
        "refit": sum(e["wall"] for e in by["refit"]),
        "paths_run_wait": sum(e.get("run_wait", float("nan")) for e in by["path"]),
        "paths_blocked": sum(e.get("blocked", float("nan")) for e in by["path"]),
        "threads": len({e["thread"] for e in by["path"]}),
        "events": events,
    }


def schedstat() -> tuple[float, float] | None:
    """(on-CPU seconds, run-queue wait seconds) of the calling thread, from
    Linux's /proc/self/task/<tid>/schedstat; None elsewhere."""
    import threading

    try:
        path = f"/proc/self/task/{threading.get_native_id()}/schedstat"
        with open(path) as fh:
            cpu_ns, wait_ns = fh.read().split()[:2]
    except (OSError, ValueError, AttributeError):
        return None
    return int(cpu_ns) * 1e-9, int(wait_ns) * 1e-9


def two_worker_bound(diag1: dict) -> dict:
    """Best n_jobs=2 speed-up with the measured serial task times.

    Fold task k = its fold copy + its path (held-out scoring is not timed
    separately and stays in 'other'). The pool hands tasks out in order to
    the first free worker; 'other' (validation, grid, scoring, refit) is
    serial. Bound = T1 / (other + makespan of the tasks on 2 workers).
    In Gram mode (a fold task, ``_gram_fold``, timed whole) the tasks run
    in turn whatever n_jobs, and only the test folds' sums, in 'other', use
    threads: no such bound applies ('bound' None).
    """
    rows = diag1["rows"] or [0.0] * len(diag1["paths"])
    tasks = [r + p for r, p in zip(rows, diag1["paths"], strict=True)]
    other = diag1["wall"] - sum(tasks)
    workers = [0.0, 0.0]
    for t in tasks:
        i = int(np.argmin(workers))
        workers[i] += t
    makespan = sum(tasks) if diag1.get("gram") else max(workers)
    return {
        "tasks": tasks,
        "other": other,
        "refit": diag1["refit"],
        "makespan_2": makespan,
        "bound": None if diag1.get("gram") else diag1["wall"] / (other + makespan),
    }


# --------------------------------------------------------------------------
# Part profile: where one fold's Lasso path spends its time, per alpha
# --------------------------------------------------------------------------


def profile_row(problem: Problem, args) -> dict:
    """Fold 0's training rows, the CV grid, tol as above: per-alpha time and
    epochs of ours (``shrinkage._path.solve_enet``, one call per alpha) and
    scikit-learn (its ``cd_fast`` solver, one call per alpha), summed per
    tenth of the grid. Both get the same data without intercept: dense X and
    y centred on the fold (what both CVs do internally); sparse X is not
    centred (y is), so both solve the same problem."""
    from sklearn.linear_model import _coordinate_descent as skcd
    from sklearn.linear_model import lasso_path as sk_lasso_path
    from sklearn.model_selection import KFold

    import shrinkage
    from shrinkage import _path

    X, y = problem.X, problem.y
    alphas = alpha_grid(X, y, args.n_alphas, args.eps)
    train, _ = next(KFold(args.folds, shuffle=True, random_state=0).split(X))
    Xt, yt = X[train], y[train] - y[train].mean()
    if sp.issparse(Xt):
        Xt = Xt.tocsc()
    else:
        Xt = np.asfortranarray(Xt - Xt.mean(axis=0))
    calls: dict[str, list[tuple[float, int, int]]] = {"ours": [], "sklearn": []}
    sk_names = [
        "enet_coordinate_descent",
        "sparse_enet_coordinate_descent",
        "enet_coordinate_descent_gram",
    ]
    ours_orig = _path.solve_enet
    # per-alpha solves: the Python loop (small designs, as in --quick, would
    # otherwise run the whole path in one compiled call)
    compiled_max = _path._COMPILED_PATH_MAX_ENTRIES
    sk_orig = {name: getattr(skcd.cd_fast, name) for name in sk_names}

    def ours_wrapped(*a, **k):
        t0 = time.perf_counter()
        sol = ours_orig(*a, **k)
        calls["ours"].append(
            (time.perf_counter() - t0, int(sol.n_iter), int(np.count_nonzero(sol.coef)))
        )
        return sol

    def sk_wrap(fn):
        def wrapped(*a, **k):
            t0 = time.perf_counter()
            out = fn(*a, **k)
            calls["sklearn"].append(
                (time.perf_counter() - t0, int(out[3]), int(np.count_nonzero(out[0])))
            )
            return out

        return wrapped

    try:
        _path.solve_enet = ours_wrapped
        _path._COMPILED_PATH_MAX_ENTRIES = 0
        for name in sk_names:
            setattr(skcd.cd_fast, name, sk_wrap(sk_orig[name]))
        t_ours = measure(
            lambda: shrinkage.lasso_path(
                Xt, yt, alphas=alphas, tol=args.tol, max_iter=args.max_iter
            )
        )
        t_sk = measure(
            lambda: sk_lasso_path(
                Xt, yt, alphas=alphas, tol=args.tol, max_iter=args.max_iter
            )
        )
    finally:
        _path.solve_enet = ours_orig
        _path._COMPILED_PATH_MAX_ENTRIES = compiled_max
        for name in sk_names:
            setattr(skcd.cd_fast, name, sk_orig[name])
    chunks = []
    k = max(1, len(alphas) // 10)
    for lo in range(0, len(alphas), k):
        row = {"alphas": [lo, min(lo + k, len(alphas)) - 1]}
        for lib in ("ours", "sklearn"):
            part = calls[lib][lo : lo + k]
            row[lib] = {
                "time": sum(c[0] for c in part),
                "epochs": sum(c[1] for c in part),
                "nnz_end": part[-1][2] if part else 0,
            }
        chunks.append(row)
    log(f"  profile: ours {t_ours['wall']:.3f} s, sklearn {t_sk['wall']:.3f} s")
    return {
        "problem": problem.name,
        "shape": f"{Xt.shape[0]}x{Xt.shape[1]}",
        "ours_time": t_ours["wall"],
        "sk_time": t_sk["wall"],
        "ours_calls": len(calls["ours"]),
        "sk_calls": len(calls["sklearn"]),
        "ours_in_calls": sum(c[0] for c in calls["ours"]),
        "sk_in_calls": sum(c[0] for c in calls["sklearn"]),
        "chunks": chunks,
        "load": 0.5 * (t_ours["load"] + t_sk["load"]),
    }


# --------------------------------------------------------------------------
# Part ridge: RidgeCV vs scikit-learn, time and memory
# --------------------------------------------------------------------------


def x_bytes(X) -> int:
    if sp.issparse(X):
        return int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes)
    return int(X.nbytes)


def ridge_alphas(n_alphas: int) -> np.ndarray:
    return np.logspace(-3, 5, n_alphas)


def ridge_row(problem: Problem, args) -> dict:
    from sklearn.linear_model import RidgeCV as SkRidgeCV

    import shrinkage

    alphas = ridge_alphas(args.ridge_alphas)
    X, y = problem.X, problem.y
    # Each gets its preferred layout (outside the timing): ours CSC (the
    # kernel format), sklearn CSR (its hat-diagonal loop slices row batches);
    # dense: the same F-ordered array for both.
    inputs = {
        "ours": X,
        "sklearn": X.tocsr() if sp.issparse(X) else X,
    }
    makers = {
        "ours": lambda: shrinkage.RidgeCV(alphas=alphas),
        "sklearn": lambda: SkRidgeCV(alphas=alphas),
    }
    out: dict[str, dict] = {}
    for name in ("ours", "sklearn"):
        Xin = inputs[name]
        # First run traced: the tracemalloc peak (and its time, kept apart).
        traced = measure(lambda n=name, Xin=Xin: makers[n]().fit(Xin, y), trace=True)
        model = traced.pop("out")
        times = []
        if traced["wall"] <= args.repeat_cap:
            for _ in range(args.repeat):
                res = measure(lambda n=name, Xin=Xin: makers[n]().fit(Xin, y))
                res.pop("out")
                times.append(res["wall"])
        log(
            f"  {name:7s} traced {traced['wall']:.3f} s peak "
            f"{traced['peak'] / 1e6:.1f} MB; untraced {[round(t, 3) for t in times]}"
        )
        out[name] = {
            "model": model,
            "traced_time": traced["wall"],
            "peak": traced["peak"],
            "times": times,
            "time": median(times) if times else traced["wall"],
            "from_traced": not times,
            "load": traced["load"],
        }
    mo, ms = out["ours"]["model"], out["sklearn"]["model"]
    at_edge = mo.alpha_ in (alphas.min(), alphas.max())
    return {
        "problem": problem.name,
        "shape": problem.shape_str,
        "format": "CSC / CSR" if sp.issparse(X) else "F-ordered",
        "n_alphas": len(alphas),
        "x_mb": x_bytes(X) / 1e6,
        "ours_time": out["ours"]["time"],
        "sk_time": out["sklearn"]["time"],
        "ours_times": out["ours"]["times"],
        "sk_times": out["sklearn"]["times"],
        "ours_traced_time": out["ours"]["traced_time"],
        "sk_traced_time": out["sklearn"]["traced_time"],
        "sk_from_traced": out["sklearn"]["from_traced"],
        "ours_from_traced": out["ours"]["from_traced"],
        "ratio": out["sklearn"]["time"] / out["ours"]["time"],
        "ours_alpha": float(mo.alpha_),
        "sk_alpha": float(ms.alpha_),
        "same_alpha": bool(np.isclose(mo.alpha_, ms.alpha_, rtol=1e-12)),
        "alpha_at_grid_edge": bool(at_edge),
        "score_rel_diff": abs(mo.best_score_ - ms.best_score_)
        / max(abs(ms.best_score_), 1e-300),
        "ours_peak_mb": out["ours"]["peak"] / 1e6,
        "sk_peak_mb": out["sklearn"]["peak"] / 1e6,
        "load": 0.5 * (out["ours"]["load"] + out["sklearn"]["load"]),
    }


def scaling_rows(name: str, size: tuple, args) -> dict:
    """Our RidgeCV peak at n/4, n/2, n: the log-log slope of peak vs n."""
    import shrinkage

    n, p, density = size
    alphas = ridge_alphas(args.ridge_alphas)
    points = []
    for frac in (4, 2, 1):
        problem = make_synthetic(name, (n // frac, p, density))
        res = measure(
            lambda pr=problem: shrinkage.RidgeCV(alphas=alphas).fit(pr.X, pr.y),
            trace=True,
        )
        points.append(
            {
                "n": problem.X.shape[0],
                "x_mb": x_bytes(problem.X) / 1e6,
                "peak_mb": res["peak"] / 1e6,
                "time": res["wall"],
            }
        )
        log(f"  scaling {name} n={problem.X.shape[0]}: {res['peak'] / 1e6:.1f} MB")
        del problem
    ns = np.log([pt["n"] for pt in points])
    slope = float(np.polyfit(ns, np.log([pt["peak_mb"] for pt in points]), 1)[0])
    return {
        "problem": name,
        "p": p,
        "density": density,
        "points": points,
        "slope": slope,
    }


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def machine_lines(args) -> list[str]:
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    import shrinkage

    cpu = cpu_name()
    blas = sorted(
        {
            f"{d['internal_api']} {d.get('version')}"
            for d in threadpool_info()
            if d["user_api"] == "blas"
        }
    )
    return [
        f"- Code: {code_state()}",
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, SciPy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, shrinkage "
        f"{getattr(shrinkage, '__version__', '?')}",
        f"- BLAS: {', '.join(blas)}, limited to {args.threads} thread(s) "
        "(threadpoolctl)",
    ]


def write_report(path: Path, state: dict) -> None:
    args = state["args"]
    loads = state["loads"]
    out = [
        f"# Cross-validation benchmark ({state['mode']} run)",
        "",
        f"Generated {state['started']} by `{state['command']}`; elapsed "
        f"{time.time() - state['t0']:.0f} s.",
        "",
        *state["machine"],
        f"- Load average (1 min) at start {loads[0]:.2f}"
        + (f", at end {loads[-1]:.2f}" if len(loads) > 1 else "")
        + f" on {os.cpu_count()} cores; each row lists the median load during "
        "its runs. A load above the core count means other processes "
        "competed for the CPUs: absolute times are then inflated.",
        "",
    ]
    if state["cv"]:
        out += [
            "## LassoCV / ElasticNetCV: ours vs scikit-learn",
            "",
            f"{args.folds}-fold `KFold(shuffle=True, random_state=0)` (the same "
            f"splitter object for both), the same explicit grid of {args.n_alphas} "
            f"alphas from alpha_max (Lasso, with intercept) to {args.eps:g} "
            f"alpha_max, `tol={args.tol:g}` and `max_iter={args.max_iter}` for "
            "both (identical duality-gap criterion, see the methodology), "
            f"`n_jobs=1`, fit_intercept=True; ElasticNetCV: l1_ratio "
            f"{ENET_L1_RATIOS}. Times: median of up to {args.repeat} runs "
            "(a run longer than "
            f"{args.repeat_cap:g} s is not repeated; 'runs' gives the counts), "
            "whole `fit` including the final refit. 'MSE diff': max over the "
            "grid of |mean CV MSE ours - sklearn| / sklearn. 'flat': our mean "
            "CV MSE at sklearn's choice relative to ours at our choice (how "
            "much the choice matters). 'warn': ConvergenceWarnings ours/sklearn. "
            "'CPU ratio': the same ratio on process CPU time (single-threaded "
            "runs: less sensitive than wall time to other processes' load).",
            "",
            "| problem | shape | estimator | ours | sklearn | sklearn / ours "
            "| CPU ratio | runs | alpha ours | alpha sklearn | same | MSE diff "
            "| flat | warn | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in state["cv"]:
            a_o = f"{r['ours_alpha']:.4g}"
            a_s = f"{r['sk_alpha']:.4g}"
            if r["estimator"] == "ElasticNetCV":
                a_o += f" (l1 {r['ours_l1_ratio']:g})"
                a_s += f" (l1 {r['sk_l1_ratio']:g})"
            same = (
                "yes"
                if r["same_alpha"]
                else (f"no ({r['alpha_index'][1] - r['alpha_index'][0]:+d} steps)")
            )
            out.append(
                f"| {r['problem']} | {r['shape']} | {r['estimator']} | "
                f"{fmt_time(r['ours_median'])} | {fmt_time(r['sk_median'])} | "
                f"**{r['ratio']:.1f}x** | {r['cpu_ratio']:.1f}x | "
                f"{len(r['ours_times'])}/"
                f"{len(r['sk_times'])} | {a_o} | {a_s} | {same} | "
                f"{r['mse_max_rel_diff']:.1e} | {r['flatness']:.1e} | "
                f"{r['ours_conv_warnings']}/{r['sk_conv_warnings']} | "
                f"{r['load']:.1f} |"
            )
        out.append("")
        refs = [r for r in state["cv"] if "ref_tol" in r]
        if refs:
            out += [
                "### Distance to the exact CV curve",
                "",
                "Our CV at a tight tolerance (untimed) as the reference curve: "
                "'vs ref': max over the grid of |mean CV MSE - reference| / "
                f"reference for each library at tol={args.tol:g}; 'near min': "
                "the same within 5 grid steps of the reference's choice. "
                "'margin': how much worse than the reference's minimum its "
                "runner-up grid point is (relative). A library's choice is "
                "the exact one when its error near the minimum stays well "
                "below that margin; otherwise which alpha wins is decided by "
                "where its solves stopped. 'choice - ref': each library's "
                "choice in grid steps from the reference's (0: the same; "
                "'l1': another l1_ratio).",
                "",
                "| problem | estimator | ref. tol | ours vs ref | sklearn vs ref "
                "| ours near min | sklearn near min | margin | alpha ref "
                "| ours choice - ref | sklearn choice - ref | ref. time |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|",
            ]
            for r in refs:
                a_r = f"{r['ref_alpha']:.4g}"
                if r["estimator"] == "ElasticNetCV":
                    a_r += f" (l1 {r['ref_l1_ratio']:g})"
                steps = [
                    "-" if key not in r else "l1" if r[key] is None else f"{r[key]:+d}"
                    for key in ("ours_steps_from_ref", "sk_steps_from_ref")
                ]
                near = [
                    f"{r[key]:.1e}" if key in r else "-"
                    for key in ("ours_near_ref", "sk_near_ref")
                ]
                margin = f"{r['ref_margin']:.1e}" if "ref_margin" in r else "-"
                out.append(
                    f"| {r['problem']} | {r['estimator']} | {r['ref_tol']:g} | "
                    f"{r['ours_vs_ref']:.1e} | {r['sk_vs_ref']:.1e} | "
                    f"{near[0]} | {near[1]} | {margin} | {a_r} | "
                    f"{steps[0]} | {steps[1]} | {fmt_time(r['ref_time'])} |"
                )
            out.append("")
    if state["jobs"]:
        out += [
            "## LassoCV n_jobs=2 vs n_jobs=1 (ours, threads)",
            "",
            "Same problems, grid, folds and tol as above; runs interleaved "
            "(1, 2, 1, 2, ...), medians. 'CPU/wall': process CPU time over "
            "wall time (about 2 when both threads get a core). "
            "'bound': the best n_jobs=2 speed-up possible with the measured "
            "serial task times (fold copy + fold path per task, handed to the "
            "first free of 2 workers in order, everything else serial), from "
            "an instrumented n_jobs=1 run; none in Gram mode, whose fold tasks "
            "run in turn while only the test folds' sums use threads. "
            "'thread-CPU n_jobs=2 / 1': CPU time "
            "the fold paths used inside their threads with 2 workers relative "
            "to 1 (> 1: the two threads slow each other, e.g. memory "
            "bandwidth; it does not count time spent waiting for a core). "
            "'paths with 2 workers': summed over the 5 fold paths of the "
            "instrumented n_jobs=2 run, their wall time split (Linux "
            "schedstat of each worker thread) into time on a CPU, time "
            "runnable but waiting for a CPU (other processes or our other "
            "thread hold both cores) and time blocked (sleeping on a lock: "
            "the GIL, as the kernel's solve runs without it).",
            "",
            "| problem | shape | n_jobs=1 | n_jobs=2 | speed-up | CPU/wall 1 "
            "| CPU/wall 2 | fold tasks (n_jobs=1) | other serial | bound "
            "| thread-CPU 2 / 1 | paths with 2 workers: wall = CPU + wait + "
            "blocked | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in state["jobs"]:
            tasks, other, bound, infl, split = "-", "-", "-", "-", "-"
            if "bound" in r:
                b = r["bound"]
                tasks = ", ".join(f"{t:.2f}" for t in b["tasks"]) + " s"
                other = f"{fmt_time(b['other'])} (refit {fmt_time(b['refit'])})"
                bound = "- (Gram)" if b["bound"] is None else f"{b['bound']:.2f}x"
                d1, d2 = r["diagnosis"]["1"], r["diagnosis"]["2"]
                infl = (
                    f"{sum(d2['paths_thread_cpu']) / sum(d1['paths_thread_cpu']):.2f}"
                )
                if np.isfinite(d2.get("paths_run_wait", float("nan"))):
                    split = (
                        f"{sum(d2['paths']):.2f} = "
                        f"{sum(d2['paths_thread_cpu']):.2f} + "
                        f"{d2['paths_run_wait']:.2f} + {d2['paths_blocked']:.2f} s"
                    )
            out.append(
                f"| {r['problem']} | {r['shape']} | {fmt_time(r['median_1'])} | "
                f"{fmt_time(r['median_2'])} | **{r['speedup']:.2f}x** | "
                f"{r['cpu_per_wall_1']:.2f} | {r['cpu_per_wall_2']:.2f} | "
                f"{tasks} | {other} | {bound} | {infl} | {split} | "
                f"{r['load']:.1f} |"
            )
        out.append("")
    if state["profile"]:
        out += [
            "## Per-alpha profile of one fold's Lasso path",
            "",
            "Fold 0's training rows, the CV grid and tol, no intercept (dense: "
            "X and y centred on the fold, as both CVs do; sparse: y centred, X "
            "not), `lasso_path` of each library; time and epochs of the "
            "per-alpha solver calls summed over each tenth of the grid (alpha "
            "index 0 = alpha_max), and the nonzeros at the tenth's last alpha. "
            "Epochs: ours counts passes over the working set, scikit-learn "
            "passes over its screened active set.",
            "",
        ]
        for r in state["profile"]:
            out += [
                f"**{r['problem']}** ({r['shape']}): ours "
                f"{fmt_time(r['ours_time'])}, sklearn {fmt_time(r['sk_time'])} "
                f"({r['sk_time'] / r['ours_time']:.1f}x), load {r['load']:.1f}; "
                f"inside the per-alpha solver calls: ours "
                f"{fmt_time(r['ours_in_calls'])}, sklearn "
                f"{fmt_time(r['sk_in_calls'])} (the rest: each path function's "
                "own Python/setup work)",
                "",
                "| alphas | ours time | ours epochs | ours nnz | sklearn time "
                "| sklearn epochs | sklearn nnz | sklearn / ours |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for c in r["chunks"]:
                o, k = c["ours"], c["sklearn"]
                ratio = k["time"] / o["time"] if o["time"] > 0 else float("nan")
                out.append(
                    f"| {c['alphas'][0]}-{c['alphas'][1]} | {fmt_time(o['time'])} "
                    f"| {o['epochs']} | {o['nnz_end']} | {fmt_time(k['time'])} | "
                    f"{k['epochs']} | {k['nnz_end']} | {ratio:.1f} |"
                )
            out.append("")
    if state["ridge"]:
        out += [
            "## RidgeCV (leave-one-out): ours vs scikit-learn",
            "",
            f"{args.ridge_alphas} alphas log-spaced in [1e-3, 1e5], "
            "fit_intercept=True, `cv=None` (efficient LOO) and default "
            "`gcv_mode` for both (scikit-learn: 'cov' eigendecomposition of "
            "X^T X when n > p, dense and sparse). Dense input: the same "
            "F-ordered array; sparse: CSC for ours, CSR for sklearn. Time: "
            f"median of {args.repeat} untraced runs after one tracemalloc-"
            f"traced run; a library whose traced run exceeds {args.repeat_cap:g} "
            "s is not rerun and its traced time is given (marked †). Peak: "
            "tracemalloc peak of the traced fit (NumPy buffers included). "
            "'score diff': relative difference of best_score_.",
            "",
            "| problem | shape | ours | sklearn | sklearn / ours | alpha ours "
            "| alpha sklearn | same | score diff | X (MB) | peak ours (MB) "
            "| peak sklearn (MB) | load |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in state["ridge"]:
            edge = " (grid edge)" if r["alpha_at_grid_edge"] else ""
            t_o = fmt_time(r["ours_time"]) + (" †" if r["ours_from_traced"] else "")
            t_s = fmt_time(r["sk_time"]) + (" †" if r["sk_from_traced"] else "")
            out.append(
                f"| {r['problem']} | {r['shape']} | {t_o} | {t_s} | "
                f"**{r['ratio']:.1f}x** | {r['ours_alpha']:.4g}{edge} | "
                f"{r['sk_alpha']:.4g} | {'yes' if r['same_alpha'] else 'no'} | "
                f"{r['score_rel_diff']:.1e} | {r['x_mb']:.1f} | "
                f"{r['ours_peak_mb']:.1f} | {r['sk_peak_mb']:.1f} | {r['load']:.1f} |"
            )
        out.append("")
    if state["scaling"]:
        out += [
            "### Our RidgeCV peak memory vs n",
            "",
            "tracemalloc peak of one fit at n/4, n/2 and n (same p, density "
            "and generator); 'slope' = d log(peak) / d log(n): 1 is linear, "
            "2 would be an n x n matrix.",
            "",
            "| problem | p | n: peak (MB) [X (MB)] | slope |",
            "|---|---|---|---|",
        ]
        for r in state["scaling"]:
            pts = "; ".join(
                f"{pt['n']}: {pt['peak_mb']:.1f} [{pt['x_mb']:.1f}]"
                for pt in r["points"]
            )
            out.append(f"| {r['problem']} | {r['p']} | {pts} | {r['slope']:.2f} |")
        out.append("")
    path.write_text("\n".join(out))


def strip(rows: list[dict]) -> list[dict]:
    """JSON-friendly copies (diagnosis events kept, models dropped)."""
    return [{k: v for k, v in r.items() if k != "model"} for r in rows]


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small problems, ~2 min")
    ap.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--parts", help="comma-separated: " + ",".join(ALL_PARTS))
    ap.add_argument(
        "--problems",
        help="CV problems: dense-wide,sparse-wide,dense-tall," + ",".join(REAL_FILES),
    )
    ap.add_argument("--estimators", help="comma-separated: lasso,enet")
    ap.add_argument("--ridge-problems", help="dense-tall,dense-mid,sparse-tall")
    ap.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="NAME=NxP[@DENS]",
        help="override a synthetic problem's size (CV or ridge problem name)",
    )
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads")
    ap.add_argument("--repeat", type=int, default=None, help="default 3, quick 1")
    ap.add_argument(
        "--repeat-cap",
        type=float,
        default=None,
        help="a run longer than this (s) is not repeated (default 60, quick 10)",
    )
    ap.add_argument("--n-alphas", type=int, default=None, help="CV grid (100)")
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--tol", type=float, default=1e-4, help="both libraries' tol")
    ap.add_argument("--max-iter", type=int, default=10_000)
    ap.add_argument(
        "--reference-tol",
        type=float,
        default=0.0,
        help="also fit our CV at this tight tol (untimed) as the exact curve "
        "(e.g. 1e-8; costly, off by default)",
    )
    ap.add_argument(
        "--reference-cap",
        type=float,
        default=20.0,
        help="skip the reference where our timed fit took longer (s)",
    )
    ap.add_argument("--ridge-alphas", type=int, default=None, help="(50)")
    ap.add_argument("--no-scaling", action="store_true", help="skip ridge scaling")
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--name", help="report name: cv_NAME.md (default cv.md)")
    args = ap.parse_args(argv)
    args.mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    small = args.mode != "full"
    if args.repeat is None:
        args.repeat = 1 if small else 3
    if args.repeat_cap is None:
        args.repeat_cap = 10.0 if small else 60.0
    if args.n_alphas is None:
        args.n_alphas = 10 if args.tiny else 100
    if args.ridge_alphas is None:
        args.ridge_alphas = 10 if args.tiny else 50
    return args


def new_run(script: str, prefix: str, args, argv) -> tuple[Path, Path, dict]:
    """The report and JSON paths of a run (``PREFIX_NAME.md``; NAME from
    ``--name``, else the mode unless it is the full run) and the entries of
    its state that every report header uses."""
    name = args.name or ("" if args.mode == "full" else args.mode)
    stem = f"{prefix}_{name}" if name else prefix
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {
        "args": args,
        "mode": args.mode if not args.name else f"{args.mode}, {args.name}",
        "t0": time.time(),
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": f"python benchmarks/{script} "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "loads": [load()],
    }
    return out_dir / f"{stem}.md", out_dir / f"{stem}.json", state


def main(argv=None) -> int:
    args = parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    from threadpoolctl import threadpool_limits

    parts = args.parts.split(",") if args.parts else ALL_PARTS
    estimators = args.estimators.split(",") if args.estimators else ALL_ESTIMATORS
    problems = args.problems.split(",") if args.problems else CV_PROBLEMS[args.mode]
    ridge_problems = (
        args.ridge_problems.split(",")
        if args.ridge_problems
        else list(RIDGE_SIZES[args.mode])
    )
    for part in parts:
        if part not in ALL_PARTS:
            raise SystemExit(f"unknown part {part!r}; choose from {ALL_PARTS}")
    for est in estimators:
        if est not in ALL_ESTIMATORS:
            raise SystemExit(f"unknown estimator {est!r}; choose from {ALL_ESTIMATORS}")
    cv_sizes = dict(CV_SIZES[args.mode])
    ridge_sizes = dict(RIDGE_SIZES[args.mode])
    for name, size in parse_sizes(args.size).items():
        # a name of both parts (dense-tall) resizes both
        if name in ridge_sizes:
            ridge_sizes[name] = size
        if name in cv_sizes or name not in ridge_sizes:
            cv_sizes[name] = size
    for name in problems:
        if name not in cv_sizes and name not in REAL_FILES:
            raise SystemExit(f"unknown CV problem {name!r}")
    for name in ridge_problems:
        if name not in ridge_sizes:
            raise SystemExit(f"unknown ridge problem {name!r}")

    report, raw, state = new_run("bench_cv.py", "cv", args, argv)
    state.update(
        {
            "cv": [],
            "jobs": [],
            "profile": [],
            "ridge": [],
            "scaling": [],
        }
    )

    def save() -> None:
        state["loads"].append(load())
        write_report(report, state)
        meta = {k: state[k] for k in ("mode", "started", "command", "loads", "machine")}
        meta["args"] = {k: v for k, v in vars(args).items()}
        raw.write_text(
            json.dumps(
                {
                    "meta": meta,
                    "cv": strip(state["cv"]),
                    "jobs": strip(state["jobs"]),
                    "profile": state["profile"],
                    "ridge": strip(state["ridge"]),
                    "scaling": state["scaling"],
                },
                indent=1,
                default=float,
            )
        )

    with threadpool_limits(limits=args.threads):
        state["machine"] = machine_lines(args)
        warm_up()
        if {"cv", "jobs", "profile"} & set(parts):
            for pname in problems:
                problem = get_problem(pname, cv_sizes, args.data_dir)
                log(f"{pname}: {problem.shape_str}")
                if "cv" in parts:
                    for kind in estimators:
                        state["cv"].append(cv_row(problem, kind, args))
                        save()
                if "jobs" in parts:
                    log(f"{pname}: n_jobs")
                    state["jobs"].append(jobs_row(problem, args))
                    save()
                if "profile" in parts:
                    log(f"{pname}: per-alpha profile")
                    state["profile"].append(profile_row(problem, args))
                    save()
                del problem
                gc.collect()
        if "ridge" in parts:
            for pname in ridge_problems:
                problem = make_synthetic(pname, ridge_sizes[pname])
                log(f"{pname}: {problem.shape_str} (RidgeCV)")
                state["ridge"].append(ridge_row(problem, args))
                save()
                del problem
                gc.collect()
            if not args.no_scaling:
                for pname in SCALING_PROBLEMS:
                    if pname in ridge_problems:
                        state["scaling"].append(
                            scaling_rows(pname, ridge_sizes[pname], args)
                        )
                        save()
        save()
    log(f"done in {time.time() - state['t0']:.0f} s: {report}")
    return 0


def warm_up() -> None:
    """Import and first-call costs, outside every timing."""
    from sklearn import linear_model as sklm

    import shrinkage

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 8))
    y = X[:, 0] + 0.1 * rng.standard_normal(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for Xi in (X, sp.csc_matrix(X)):
            shrinkage.LassoCV(cv=3, n_alphas=3).fit(Xi, y)
            sklm.LassoCV(cv=3, alphas=3).fit(Xi, y)
            shrinkage.RidgeCV().fit(Xi, y)
            sklm.RidgeCV().fit(Xi, y)


if __name__ == "__main__":
    sys.exit(main())
