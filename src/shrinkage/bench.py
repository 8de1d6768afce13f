"""The main job: compiled solvers vs the NumPy reference vs scikit-learn.

``python -m shrinkage bench`` fits Lasso and ElasticNet (``l1_ratio=0.5``),
both at ``alpha_max / 10``, on built-in synthetic problems of growing size
(dense wide, dense tall, sparse wide). Each solver runs at the same relative
tolerance: stop when the duality gap is at most ``tol * mean((y - ybar)^2)``,
the convention shared by :class:`shrinkage.Lasso`, scikit-learn and
:func:`shrinkage.reference.enet_coordinate_descent`. The output is a markdown
table of median wall times, speed-ups of ours over the NumPy reference and
over scikit-learn, and the agreement of the objectives: every solver's
``(coef, intercept)`` is scored by the same function,
:func:`shrinkage.reference.enet_objective`, and compared with the best of the
three.

The reference is plain cyclic coordinate descent in NumPy (one Python-level
loop over coordinates per epoch, a duality-gap check after every epoch); it
is the readable ground truth of the package, not a deliberately slow
implementation.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp

from . import __version__, reference
from ._coordinate_descent import ElasticNet, Lasso

__all__ = [
    "HEADER",
    "PROBLEMS",
    "TASKS",
    "Problem",
    "Row",
    "SolverResult",
    "Task",
    "build_parser",
    "machine_description",
    "main",
    "make_problem",
    "markdown_table",
    "plot_times",
    "run_benchmark",
    "run_problem",
]

SIZES = ("tiny", "small", "medium", "large", "xlarge")
"""Size labels, smallest first; ``tiny`` is for tests and smoke runs."""

REFERENCE_SINGLE_RUN_SECONDS = 1.0
"""A reference fit whose first run takes longer than this is not repeated."""


@dataclass(frozen=True)
class Problem:
    """One synthetic regression problem.

    Attributes
    ----------
    family : str
        ``"dense wide"``, ``"dense tall"`` or ``"sparse wide"``.
    size : str
        One of :data:`SIZES`.
    n_samples, n_features : int
        Shape of X.
    density : float or None
        Fraction of stored entries of a CSC design; None for a dense design
        with AR(1)-correlated columns.
    """

    family: str
    size: str
    n_samples: int
    n_features: int
    density: float | None = None


@dataclass(frozen=True)
class Task:
    """An estimator setting: ``alpha = alpha_max(l1_ratio) / alpha_divisor``."""

    name: str
    l1_ratio: float
    alpha_divisor: float = 10.0


PROBLEMS: tuple[Problem, ...] = (
    Problem("dense wide", "tiny", 30, 60),
    Problem("dense wide", "small", 100, 300),
    Problem("dense wide", "medium", 200, 2000),
    Problem("dense wide", "large", 500, 10_000),
    Problem("dense wide", "xlarge", 1000, 30_000),
    Problem("dense tall", "tiny", 300, 20),
    Problem("dense tall", "small", 2000, 50),
    Problem("dense tall", "medium", 20_000, 100),
    Problem("dense tall", "large", 100_000, 200),
    Problem("dense tall", "xlarge", 200_000, 250),
    Problem("sparse wide", "tiny", 50, 200, 5e-2),
    Problem("sparse wide", "small", 200, 2000, 1e-2),
    Problem("sparse wide", "medium", 1000, 20_000, 1e-2),
    Problem("sparse wide", "large", 5000, 100_000, 1e-2),
    Problem("sparse wide", "xlarge", 10_000, 200_000, 1e-2),
)
"""The built-in problems, per family from smallest to largest."""

TASKS: tuple[Task, ...] = (Task("Lasso", 1.0), Task("ElasticNet", 0.5))
"""Lasso and ElasticNet (``l1_ratio=0.5``), both at ``alpha_max / 10``."""

SOLVERS = ("ours", "reference", "sklearn")

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
    "X^T r (s)",
    "ours / X^T r",
    "ref / X^T r",
]
"""Columns of the markdown table."""

AR1_RHO = 0.5
SNR = 3.0


def make_problem(
    n_samples: int,
    n_features: int,
    density: float | None = None,
    *,
    seed: int = 0,
) -> tuple[np.ndarray | sp.csc_matrix, np.ndarray]:
    """Build a seeded synthetic regression problem.

    Dense: Gaussian columns with AR(1) (Toeplitz) correlation
    ``corr(x_j, x_k) = 0.5^|j - k|``, Fortran-ordered. Sparse: CSC with
    standard normal values at uniformly random positions. The truth has
    ``max(10, min(n_samples, n_features) // 10)`` (at most ``n_features``)
    non-zero coefficients of magnitude 1 to 3 and random signs;
    ``y = X w + 1 + noise`` with signal-to-noise ratio 3 (standard deviation
    of ``X w`` over that of the noise).

    Parameters
    ----------
    n_samples, n_features : int
        Shape of X.
    density : float or None, default=None
        Fraction of stored entries of a sparse design; None for dense.
    seed : int, default=0
        Seed of the random generator.

    Returns
    -------
    X : numpy.ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
        Design of shape (n_samples, n_features), float64.
    y : numpy.ndarray of shape (n_samples,)
        Response.
    """
    rng = np.random.default_rng(seed)
    X: np.ndarray | sp.csc_matrix
    if density is None:
        Z = rng.standard_normal((n_samples, n_features))
        X = np.empty((n_samples, n_features), order="F")
        X[:, 0] = Z[:, 0]
        scale = np.sqrt(1.0 - AR1_RHO**2)
        for j in range(1, n_features):
            X[:, j] = AR1_RHO * X[:, j - 1] + scale * Z[:, j]
    else:
        X = sp.random(
            n_samples,
            n_features,
            density=density,
            format="csc",
            random_state=rng,
            data_rvs=rng.standard_normal,
        )
    w = np.zeros(n_features)
    n_nonzero = min(n_features, max(10, min(n_samples, n_features) // 10))
    support = rng.choice(n_features, size=n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], size=support.size) * rng.uniform(
        1.0, 3.0, size=support.size
    )
    signal = np.asarray(X @ w).ravel()
    sigma = max(float(np.std(signal)), 1e-3) / SNR
    y = signal + 1.0 + sigma * rng.standard_normal(n_samples)
    return X, y


@dataclass
class SolverResult:
    """Timing and solution quality of one solver on one problem.

    Attributes
    ----------
    seconds : float
        Median wall time of one fit.
    runs : int
        Number of timed runs behind the median.
    objective : float
        Primal objective of the returned solution, by
        :func:`shrinkage.reference.enet_objective`.
    converged : bool
        Whether the solver reported convergence at the requested ``tol``.
    """

    seconds: float
    runs: int
    objective: float
    converged: bool = True


@dataclass
class Row:
    """One line of the table: a problem, a task and the solvers' results."""

    problem: Problem
    task: Task
    alpha: float
    results: dict[str, SolverResult] = field(default_factory=dict)
    # median time of one X^T r on the same X (the unit of a pass over X)
    matvec_seconds: float | None = None

    def relative_objectives(self) -> dict[str, float]:
        """``(P - P_best) / |P_best|`` per solver, ``P_best`` the smallest."""
        best = min(r.objective for r in self.results.values())
        scale = abs(best) if best != 0.0 else 1.0
        return {k: (r.objective - best) / scale for k, r in self.results.items()}

    def speedup(self, solver: str) -> float | None:
        """Time of ``solver`` divided by ours (None when it did not run)."""
        if solver not in self.results:
            return None
        return self.results[solver].seconds / self.results["ours"].seconds

    def cells(self, repeat: int) -> list[str]:
        """The markdown cells, in the order of :data:`HEADER`.

        Parameters
        ----------
        repeat : int
            The requested number of timed runs; times measured over fewer
            runs say so.
        """
        rel = self.relative_objectives()

        def seconds(name: str) -> str:
            if name not in self.results:
                return "—"
            res = self.results[name]
            text = f"{res.seconds:.4f}" if res.seconds < 10 else f"{res.seconds:.2f}"
            if res.runs < repeat:
                text += f" ({res.runs} run{'s' if res.runs > 1 else ''})"
            if not res.converged:
                text += " (not converged)"
            return text

        def ratio(name: str) -> str:
            value = self.speedup(name)
            if value is None:
                return "—"
            return f"{value:.0f}x" if value >= 10 else f"{value:.1f}x"

        def objective(name: str) -> str:
            return "—" if name not in rel else f"{rel[name]:.1e}"

        def passes(name: str) -> str:
            if name not in self.results or not self.matvec_seconds:
                return "—"
            return f"{self.results[name].seconds / self.matvec_seconds:.1f}"

        return [
            self.problem.family,
            f"{self.problem.n_samples} x {self.problem.n_features}",
            self.task.name,
            seconds("ours"),
            seconds("reference"),
            seconds("sklearn"),
            ratio("reference"),
            ratio("sklearn"),
            objective("ours"),
            objective("reference"),
            objective("sklearn"),
            "—" if not self.matvec_seconds else f"{self.matvec_seconds:.2e}",
            passes("ours"),
            passes("reference"),
        ]


def _timed(
    fit: Callable[[], Any], repeat: int, single_run_above: float = np.inf
) -> tuple[float, int, Any]:
    """Median wall time of ``fit()`` over ``repeat`` runs, and its last result.

    Stops after the first run when that run took longer than
    ``single_run_above`` seconds. Returns ``(median, runs, result)``.
    """
    times: list[float] = []
    result = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fit()
        times.append(time.perf_counter() - start)
        if times[0] > single_run_above:
            break
    return statistics.median(times), len(times), result


def _estimators(task: Task, alpha: float, tol: float) -> tuple[Any, Any]:
    """Our estimator and scikit-learn's for ``task``, same parameters."""
    import sklearn.linear_model as sklm

    common = dict(alpha=alpha, tol=tol, max_iter=100_000, fit_intercept=True)
    if task.l1_ratio == 1.0:
        return Lasso(**common), sklm.Lasso(**common)
    return (
        ElasticNet(l1_ratio=task.l1_ratio, **common),
        sklm.ElasticNet(l1_ratio=task.l1_ratio, **common),
    )


def _fit(estimator: Any, X: Any, y: np.ndarray) -> tuple[Any, bool]:
    """Fit ``estimator`` (refitted from scratch: no warm start); also say
    whether it converged, i.e. raised no ConvergenceWarning."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(X, y)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return estimator, converged


def run_problem(
    problem: Problem,
    task: Task,
    *,
    tol: float = 1e-6,
    repeat: int = 3,
    with_reference: bool = True,
    seed: int = 0,
    data: tuple[Any, np.ndarray] | None = None,
) -> Row:
    """Time the solvers on one problem and task.

    Parameters
    ----------
    problem : Problem
        The data set (built by :func:`make_problem`).
    task : Task
        Lasso or ElasticNet, and the alpha as a fraction of alpha_max.
    tol : float, default=1e-6
        Relative duality-gap tolerance, the same for every solver.
    repeat : int, default=3
        Timed runs per solver (median reported). The reference is timed once
        when its first run takes more than
        :data:`REFERENCE_SINGLE_RUN_SECONDS`.
    with_reference : bool, default=True
        Also run the NumPy reference.
    seed : int, default=0
        Seed of the problem.
    data : tuple (X, y), optional
        The problem's data when already built (by :func:`make_problem` with
        the same seed); built here otherwise.

    Returns
    -------
    Row
        Times, run counts, objectives and convergence flags per solver.
    """
    if data is None:
        data = make_problem(
            problem.n_samples, problem.n_features, problem.density, seed=seed
        )
    X, y = data
    alpha = reference.alpha_max(X, y, l1_ratio=task.l1_ratio) / task.alpha_divisor
    penalty = dict(alpha=alpha, l1_ratio=task.l1_ratio)
    ours, theirs = _estimators(task, alpha, tol)
    row = Row(problem, task, alpha)
    # One pass over X: the product with a residual-like vector (BLAS gemv
    # on Fortran-ordered X, scipy's CSR matvec on the CSC's transpose).
    r = y - y.mean()
    row.matvec_seconds, _, _ = _timed(lambda: X.T @ r, max(repeat, 5))

    for name, estimator in (("ours", ours), ("sklearn", theirs)):
        seconds, runs, (model, converged) = _timed(
            lambda est=estimator: _fit(est, X, y), repeat
        )
        objective = reference.enet_objective(
            X, y, model.coef_, model.intercept_, **penalty
        )
        row.results[name] = SolverResult(seconds, runs, objective, converged)

    if with_reference:
        max_iter = 100_000
        seconds, runs, (coef, intercept, _, n_iter) = _timed(
            lambda: reference.enet_coordinate_descent(
                X, y, **penalty, tol=tol, max_iter=max_iter
            ),
            repeat,
            single_run_above=REFERENCE_SINGLE_RUN_SECONDS,
        )
        objective = reference.enet_objective(X, y, coef, intercept, **penalty)
        row.results["reference"] = SolverResult(
            seconds, runs, objective, n_iter < max_iter
        )
    return row


def _warm_up() -> None:
    """Fit each estimator once on tiny dense and sparse problems.

    Takes first-call costs (lazy imports, page faults) out of the timings.
    """
    for density in (None, 0.1):
        X, y = make_problem(20, 10, density, seed=1)
        for task in TASKS:
            alpha = reference.alpha_max(X, y, l1_ratio=task.l1_ratio) / 10
            for estimator in _estimators(task, alpha, 1e-4):
                _fit(estimator, X, y)


def run_benchmark(
    problems: Sequence[Problem],
    tasks: Sequence[Task] = TASKS,
    *,
    tol: float = 1e-6,
    repeat: int = 3,
    with_reference: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Run :func:`run_problem` on every problem and task.

    Parameters
    ----------
    problems : sequence of Problem
    tasks : sequence of Task, default=TASKS
    tol, repeat, with_reference
        As in :func:`run_problem`.
    progress : callable, optional
        Called with a short message after each row.

    Returns
    -------
    list of Row
    """
    _warm_up()
    rows = []
    for problem in problems:
        data = make_problem(problem.n_samples, problem.n_features, problem.density)
        for task in tasks:
            start = time.perf_counter()
            row = run_problem(
                problem,
                task,
                tol=tol,
                repeat=repeat,
                with_reference=with_reference,
                data=data,
            )
            rows.append(row)
            if progress is not None:
                progress(
                    f"{problem.family} {problem.n_samples} x {problem.n_features} "
                    f"{task.name}: {time.perf_counter() - start:.1f} s"
                )
    return rows


def _cpu_model() -> str:
    """CPU model name from /proc/cpuinfo, else what :mod:`platform` knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _blas_description() -> str:
    """BLAS libraries loaded and their current thread counts."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS threads: unknown (threadpoolctl not installed)"
    pools = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    if not pools:
        return "BLAS threads: no BLAS found"
    threads = sorted({str(info.get("num_threads", "?")) for info in pools})
    names: dict[str, int] = {}
    for info in pools:
        name = f"{info.get('internal_api', '?')} {info.get('version') or ''}".strip()
        names[name] = names.get(name, 0) + 1
    libraries = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in names.items())
    return f"BLAS threads: {'/'.join(threads)} ({libraries})"


def machine_description() -> str:
    """One line on the machine and the library versions.

    Call it while the BLAS thread limit is in force so that the reported
    thread count is the one used by the benchmark.
    """
    import sklearn

    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = cores
    core_text = f"{cores} cores" + (f" ({usable} usable)" if usable != cores else "")
    return (
        f"CPU: {_cpu_model()}; {core_text}; {_blas_description()}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"shrinkage {__version__}"
    )


def markdown_table(rows: Sequence[Row], repeat: int) -> str:
    """The rows as a markdown table with the columns of :data:`HEADER`.

    Parameters
    ----------
    rows : sequence of Row
    repeat : int
        The requested number of timed runs (times over fewer runs say so).
    """
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells(repeat)) + " |" for row in rows]
    return "\n".join(lines)


def _notes(tol: float, repeat: int, with_reference: bool) -> str:
    """The explanations printed under the table (markdown bullets)."""
    reference_note = (
        "NumPy ref: `shrinkage.reference.enet_coordinate_descent`, plain cyclic "
        "coordinate descent in NumPy (one Python loop over the coordinates per "
        "epoch, duality gap after every epoch). It is timed once, marked "
        f"'(1 run)', when its first run takes more than "
        f"{REFERENCE_SINGLE_RUN_SECONDS:g} s."
        if with_reference
        else "NumPy reference not run (`--no-reference`)."
    )
    notes = [
        f"Times: median wall seconds of one fit over {repeat} run(s) after a "
        "warm-up, input validation included. Every solver stops when its "
        f"duality gap is <= {tol:g} * mean((y - ybar)^2), max_iter 100000; "
        "'(not converged)' marks a solver that hit max_iter.",
        "ours: `shrinkage.Lasso` / `ElasticNet`; sklearn: "
        "`sklearn.linear_model.Lasso` / `ElasticNet`; both with default "
        "settings otherwise.",
        reference_note,
        "x / ours: time of x divided by ours (above 1: ours is faster).",
        "X^T r: median time of one `X.T @ r` on the same X (BLAS gemv for "
        "dense X, scipy's sparse matvec for CSC), at least 5 runs: the cost "
        "of one pass over X. 'ours / X^T r' and 'ref / X^T r': each fit's "
        "time in such passes ('ref / ours' is the reference's passes over "
        "ours). Ours cannot go below about two: input validation with the "
        "column statistics takes one pass, and the final duality-gap check "
        "over all features another.",
        "rel. obj: (P - P_best) / P_best, P evaluated by "
        "`shrinkage.reference.enet_objective` on each solver's coefficients "
        "and intercept, P_best the smallest of the solvers; differences up to "
        "about tol are expected from stopping at the tolerance.",
        "Problems: dense X (Fortran order) with AR(1) correlated columns "
        "(rho 0.5), sparse X (CSC) with density 1e-2; "
        "max(10, min(n, p) / 10) true non-zero coefficients, SNR 3, y offset "
        "by 1; alpha = alpha_max / 10, ElasticNet l1_ratio 0.5.",
    ]
    return "\n".join(f"* {note}" for note in notes)


def plot_times(rows: Sequence[Row], path: Path) -> bool:
    """Log-log plot of fit time vs ``n * p``, one panel per problem family.

    Returns
    -------
    bool
        False (and nothing written) when matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    families = list(dict.fromkeys(row.problem.family for row in rows))
    tasks = list(dict.fromkeys(row.task.name for row in rows))
    fig, axes = plt.subplots(
        1, len(families), figsize=(5 * len(families), 4.2), squeeze=False
    )
    styles = {"ours": "o-", "sklearn": "s--", "reference": "^:"}
    labels = {"ours": "shrinkage", "sklearn": "scikit-learn", "reference": "NumPy ref"}
    colors = {"ours": "C0", "sklearn": "C1", "reference": "C2"}
    for ax, family in zip(axes[0], families, strict=True):
        for task_index, task in enumerate(tasks):
            sel = [
                r for r in rows if r.problem.family == family and r.task.name == task
            ]
            size = [r.problem.n_samples * r.problem.n_features for r in sel]
            for solver in SOLVERS:
                if not all(solver in r.results for r in sel):
                    continue
                ax.loglog(
                    size,
                    [r.results[solver].seconds for r in sel],
                    styles[solver],
                    color=colors[solver],
                    alpha=1.0 if task_index == 0 else 0.55,
                    markerfacecolor="none" if task_index else colors[solver],
                    label=f"{labels[solver]} {task}",
                )
        ax.set_title(family)
        ax.set_xlabel("n_samples x n_features")
        ax.set_ylabel("median fit time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def _thread_limit(threads: int) -> AbstractContextManager[Any]:
    """Limit BLAS/OpenMP pools to ``threads`` (0: leave them alone)."""
    if threads <= 0:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with sklearn
        print("threadpoolctl not installed: BLAS threads not limited", file=sys.stderr)
        return nullcontext()
    return threadpool_limits(limits=threads)


def _parse_sizes(text: str, parser: argparse.ArgumentParser) -> list[str]:
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(sizes) - set(SIZES))
    if unknown or not sizes:
        parser.error(f"--sizes: unknown size(s) {unknown}; choose among {SIZES}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m shrinkage bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage bench",
        allow_abbrev=False,
        description=(
            "Time shrinkage's compiled Lasso/ElasticNet against the NumPy "
            "reference and scikit-learn on synthetic problems of growing size."
        ),
    )
    parser.add_argument("command", nargs="?", default="bench", choices=["bench"])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short run: the smallest ('small') size of each family only",
    )
    parser.add_argument(
        "--sizes",
        default="small,medium,large,xlarge",
        help=(
            "comma-separated sizes among small, medium, large, xlarge (and "
            "tiny, for smoke tests); default: small,medium,large,xlarge"
        ),
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per solver (median)"
    )
    parser.add_argument(
        "--tol",
        type=float,
        default=1e-6,
        help="relative duality-gap tolerance for every solver (default 1e-6)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS threads via threadpoolctl (default 1; 0: library default)",
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the NumPy reference"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="directory to write bench.md (and bench.png if matplotlib is there)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m shrinkage bench``.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (``sys.argv[1:]`` when None); a leading
        ``bench`` is accepted.

    Returns
    -------
    int
        Exit status (0 on success).
    """
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    if args.tol <= 0:
        parser.error("--tol must be > 0")
    sizes = ["small"] if args.quick else _parse_sizes(args.sizes, parser)
    # Grouped by family, each family from smallest to largest.
    problems = [pr for pr in PROBLEMS if pr.size in sizes]
    with_reference = not args.no_reference

    start = time.perf_counter()
    with _thread_limit(args.threads):
        machine = machine_description()
        rows = run_benchmark(
            problems,
            tol=args.tol,
            repeat=args.repeat,
            with_reference=with_reference,
            progress=lambda msg: print(f"  {msg}", file=sys.stderr, flush=True),
        )
    elapsed = time.perf_counter() - start

    words = [w for w in argv if w != "bench"]
    command = " ".join(["python -m shrinkage bench", *map(str, words)])
    title = (
        f"# shrinkage bench: Lasso and ElasticNet at alpha_max/10, tol={args.tol:g}, "
        f"median of {args.repeat}"
    )
    table = markdown_table(rows, args.repeat)
    notes = _notes(args.tol, args.repeat, with_reference)
    print(title)
    print()
    print(machine)
    print()
    print(table)
    print()
    print(notes)
    print(f"\nTotal benchmark time: {elapsed:.0f} s.")

    if args.output is not None:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.md").write_text(
            f"{title}\n\n`{command}`\n\n{machine}\n\n{table}\n\n{notes}\n\n"
            f"Total benchmark time: {elapsed:.0f} s.\n"
        )
        if plot_times(rows, out / "bench.png"):
            print(f"wrote {out / 'bench.md'} and {out / 'bench.png'}")
        else:
            print(f"wrote {out / 'bench.md'}; matplotlib not installed: no plot")
    return 0
