"""The main job: compiled solvers vs the NumPy reference vs scikit-learn.

``python -m shrinkage bench`` fits Lasso and ElasticNet on built-in synthetic
problems of growing size (dense wide, dense tall, sparse wide), times each
solver at the same relative tolerance, and prints a markdown table of median
times, speedups and objective agreement. Every objective is evaluated by the
same function (:func:`shrinkage.reference.enet_objective`) on each solver's
returned coefficients.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp

from . import __version__, reference
from ._coordinate_descent import ElasticNet

# (family, size label, n, p, density); density None means dense.
PROBLEMS: list[tuple[str, str, int, int, float | None]] = [
    ("dense wide", "tiny", 40, 100, None),
    ("dense wide", "small", 100, 300, None),
    ("dense wide", "medium", 200, 1000, None),
    ("dense wide", "large", 300, 3000, None),
    ("dense tall", "small", 2000, 50, None),
    ("dense tall", "medium", 10000, 100, None),
    ("dense tall", "large", 30000, 100, None),
    ("sparse wide", "small", 200, 2000, 1e-2),
    ("sparse wide", "medium", 500, 10000, 5e-3),
    ("sparse wide", "large", 1000, 30000, 2e-3),
]
TASKS = [("Lasso", 1.0), ("ElasticNet", 0.5)]


def make_problem(n: int, p: int, density: float | None, seed: int = 0):
    """Correlated (AR(1), rho = 0.5) dense or random sparse design, sparse
    ground truth with 10 non-zeros, noisy response with an offset."""
    rng = np.random.default_rng(seed)
    if density is None:
        Z = rng.standard_normal((n, p))
        X = np.empty((n, p), order="F")
        X[:, 0] = Z[:, 0]
        for j in range(1, p):
            X[:, j] = 0.5 * X[:, j - 1] + np.sqrt(0.75) * Z[:, j]
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed)
        X.data = rng.standard_normal(X.nnz)
    w = np.zeros(p)
    support = rng.choice(p, size=min(10, p), replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=support.size) * rng.uniform(
        1, 3, size=support.size
    )
    y = np.asarray(X @ w).ravel() + 0.5 * rng.standard_normal(n) + 1.0
    return X, y


def _median_time(fit: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


@dataclass
class Row:
    family: str
    size: str
    n: int
    p: int
    task: str
    t_ours: float
    t_ref: float | None
    t_sklearn: float
    obj_ours: float
    obj_ref: float | None
    obj_sklearn: float

    def cells(self) -> list[str]:
        best = min(
            v for v in (self.obj_ours, self.obj_ref, self.obj_sklearn) if v is not None
        )

        def rel(v):
            return "—" if v is None else f"{(v - best) / best:.1e}"

        ref_time = "—" if self.t_ref is None else f"{self.t_ref:.3f}"
        ref_speed = "—" if self.t_ref is None else f"{self.t_ref / self.t_ours:.0f}x"
        return [
            self.family,
            f"{self.n} x {self.p}",
            self.task,
            f"{self.t_ours:.4f}",
            ref_time,
            f"{self.t_sklearn:.4f}",
            ref_speed,
            f"{self.t_sklearn / self.t_ours:.1f}x",
            rel(self.obj_ours),
            rel(self.obj_ref),
            rel(self.obj_sklearn),
        ]


HEADER = [
    "problem",
    "n x p",
    "task",
    "ours (s)",
    "NumPy ref (s)",
    "sklearn (s)",
    "ref / ours",
    "sklearn / ours",
    "rel. obj ours",
    "rel. obj ref",
    "rel. obj sklearn",
]


def run_one(
    family: str,
    size: str,
    n: int,
    p: int,
    density: float | None,
    task: str,
    l1_ratio: float,
    *,
    tol: float,
    repeat: int,
    with_reference: bool,
) -> Row:
    """Time the three solvers on one problem and task."""
    import sklearn.linear_model as sklm

    X, y = make_problem(n, p, density)
    alpha = reference.alpha_max(X, y, l1_ratio=l1_ratio) / 10
    kw = dict(alpha=alpha, l1_ratio=l1_ratio)

    def ours():
        return ElasticNet(**kw, tol=tol, max_iter=100_000).fit(X, y)

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sklm.ElasticNet(**kw, tol=tol, max_iter=100_000).fit(X, y)

    ours()  # warm-up (imports, page faults)
    t_ours, m_ours = _median_time(ours, repeat)
    t_sk, m_sk = _median_time(theirs, repeat)
    t_ref = obj_ref = None
    if with_reference:
        # The reference is slow on big problems: time it once there.
        ref_repeat = repeat if n * p <= 2e5 else 1
        t_ref, (w, b, _, _) = _median_time(
            lambda: reference.enet_coordinate_descent(X, y, **kw, tol=tol), ref_repeat
        )
        obj_ref = reference.enet_objective(X, y, w, b, **kw)
    return Row(
        family,
        size,
        n,
        p,
        task,
        t_ours,
        t_ref,
        t_sk,
        reference.enet_objective(X, y, m_ours.coef_, m_ours.intercept_, **kw),
        obj_ref,
        reference.enet_objective(X, y, m_sk.coef_, m_sk.intercept_, **kw),
    )


def machine_description(threads: int | None) -> str:
    """One line on the machine and library versions."""
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"CPU: {cpu}; {os.cpu_count()} cores; BLAS threads: "
        f"{threads if threads else 'default'}; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, SciPy {scipy.__version__}, scikit-learn "
        f"{sklearn.__version__}, shrinkage {__version__}"
    )


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def _plot(rows: list[Row], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    families = sorted({r.family for r in rows})
    fig, axes = plt.subplots(
        1, len(families), figsize=(5 * len(families), 4), squeeze=False
    )
    for ax, family in zip(axes[0], families, strict=True):
        for task in sorted({r.task for r in rows}):
            sel = [r for r in rows if r.family == family and r.task == task]
            size = [r.n * r.p for r in sel]
            ax.loglog(size, [r.t_ours for r in sel], "o-", label=f"shrinkage {task}")
            ax.loglog(
                size, [r.t_sklearn for r in sel], "s--", label=f"scikit-learn {task}"
            )
            if all(r.t_ref is not None for r in sel):
                ax.loglog(
                    size, [r.t_ref for r in sel], "^:", label=f"NumPy reference {task}"
                )
        ax.set_title(family)
        ax.set_xlabel("n x p")
        ax.set_ylabel("median fit time (s)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m shrinkage bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage bench", description=__doc__
    )
    parser.add_argument("command", nargs="?", default="bench", choices=["bench"])
    parser.add_argument("--quick", action="store_true", help="smallest sizes only")
    parser.add_argument(
        "--sizes",
        default="small,medium,large",
        help="comma-separated among tiny,small,medium,large",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--tol", type=float, default=1e-8, help="relative tolerance")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS threads (0: default)"
    )
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--output", type=Path, default=None, help="write bench.md/png here"
    )
    args = parser.parse_args(argv)
    sizes = {"small"} if args.quick else set(args.sizes.split(","))
    problems = [pr for pr in PROBLEMS if pr[1] in sizes]
    if not problems:
        parser.error(f"no problem of sizes {sorted(sizes)}")

    limiter = None
    if args.threads:
        try:
            from threadpoolctl import threadpool_limits

            limiter = threadpool_limits(args.threads)
        except ImportError:  # pragma: no cover - threadpoolctl comes with sklearn
            limiter = None
    header = machine_description(args.threads or None)
    print(
        f"# shrinkage bench: tol={args.tol}, median of {args.repeat}, "
        "alpha = alpha_max/10"
    )
    print(header, flush=True)
    rows = []
    try:
        for family, size, n, p, density in problems:
            for task, l1_ratio in TASKS:
                rows.append(
                    run_one(
                        family,
                        size,
                        n,
                        p,
                        density,
                        task,
                        l1_ratio,
                        tol=args.tol,
                        repeat=args.repeat,
                        with_reference=not args.no_reference,
                    )
                )
                print(f"  done: {family} {n}x{p} {task}", flush=True)
    finally:
        if limiter is not None:
            limiter.unregister()
    table = markdown_table(rows)
    print()
    print(table)
    note = (
        "Times: median wall seconds of one fit (validation included); the NumPy "
        "reference runs once on problems with n*p > 2e5. rel. obj: (P - P_best) / "
        "P_best with P evaluated by shrinkage.reference.enet_objective."
    )
    print("\n" + note)
    if args.output is not None:
        args.output.mkdir(parents=True, exist_ok=True)
        words = [w for w in (argv or []) if w != "bench"]
        command = "python -m shrinkage bench " + " ".join(words)
        (args.output / "bench.md").write_text(
            f"# shrinkage bench\n\n`{command.strip()}`\n\n{header}\n\n"
            f"{table}\n\n{note}\n"
        )
        if _plot(rows, args.output / "bench.png"):
            print(f"wrote {args.output / 'bench.md'} and {args.output / 'bench.png'}")
        else:
            print(f"wrote {args.output / 'bench.md'} (matplotlib missing: no plot)")
    return 0
