"""Two choices of the coordinate-descent kernel, measured where they are made.

1. ``pair_min_n``: dense columns of at least this many samples take their
   coordinates two at a time (``_epoch_pairs``, AVX2 kernels only). For
   designs of about the same size in memory and growing n (and two smaller
   ones), one full epoch
   with pairs and one without: (T(11 epochs) - T(1 epoch)) / 10 of direct
   kernel calls from w = 0 at alpha_max / 100, each call checking the gap
   once before and once after its epochs, working sets, screening and
   extrapolation off; the two kinds of call interleaved, medians of the
   rounds.
2. ``ws_full_share``: a working set of at least this share of the active
   features runs as the full set. Whole solves from w = 0 at alpha_max / 100
   (Lasso and elastic net l1_ratio 0.5, relative tol 1e-6) with the default
   share and with 2.0 (never), interleaved, on the 5000 x 2000 problem of
   ``bench_peers.py`` (support about 60% of p) and on its 500 x 5000 one.

3. ``active_cycling``: in each block of epochs between gap checks, the
   epochs after the first visit only the features it left non-zero. Whole
   solves from w = 0 at alpha_max / 10 and / 100 and 100-alpha paths down
   to alpha_max / 1000 (each solve warm-started from the last, one
   workspace for the path), Lasso, relative tol 1e-6, with and without,
   interleaved, on the wide and mid problems of ``bench_peers.py`` and
   (when ``../shared/data`` is there) leukemia and rcv1.
4. ``strong_set_only``: on a warm-started path step the support and the
   sequential strong set are the whole first working set (glmnet's), or
   they lead a set ranked and filled with the zeros nearest their
   constraint (half the support's size more). Kernel paths as a path
   runs them (strong rule, the last check's gradient handed on, each
   working set solved to tol / 2), without its direct solves, 100
   alphas down to alpha_max / 1000, Lasso and elastic net (l1_ratio 0.5),
   relative tol 1e-4 and 1e-6, with and without, interleaved, on the wide
   problem of ``bench_peers.py`` and (with ``../shared/data``) leukemia and
   rcv1.

Usage (from the repository root)::

    python benchmarks/bench_kernel_choices.py            # about 5 minutes
    python benchmarks/bench_kernel_choices.py --quick    # small, seconds
    python benchmarks/bench_kernel_choices.py --sections strong
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
import bench_peers as bp  # noqa: E402

# (n, p): about 80 MB of float64 each, the 100000 x 200 problem (160 MB),
# and two designs of 16 MB (within a large last-level cache)
PAIR_SIZES = [
    (1024, 10000),
    (2048, 5000),
    (5000, 2000),
    (20000, 500),
    (100000, 200),
    (1024, 2000),
    (2048, 1000),
]
QUICK_PAIR_SIZES = [(1024, 200), (5000, 40)]
SHARE_PROBLEMS = {"dense-mid": (5000, 2000, None), "dense-wide": (500, 5000, None)}
QUICK_SHARE_PROBLEMS = {"mid": (600, 200, None)}
CYCLING_PROBLEMS = {
    "dense-wide": (500, 5000, None),
    "dense-mid": (5000, 2000, None),
    "sparse-wide": (20000, 100000, 1e-3),
    "leukemia": None,
    "rcv1": None,
}
QUICK_CYCLING_PROBLEMS = {"wide": (100, 1000, None)}
STRONG_PROBLEMS = {"dense-wide": (500, 5000, None), "leukemia": None, "rcv1": None}


def _prepared(X, y):
    """X packed for the kernel, its column statistics (intercept fitted)
    and y centred."""
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    design = as_design(X)
    xbar, lipschitz = design_stats(design, None, True)
    return design, xbar, lipschitz, np.asarray(y - y.mean(), dtype=np.float64)


def _solve(prepared, coef, l1, l2, max_iter, tol, **kwargs):
    """One call of the compiled kernel, in place of ``coef``."""
    from shrinkage._kernels._enet import enet_coordinate_descent

    design, xbar, lipschitz, yc = prepared
    return enet_coordinate_descent(
        *design.kernel_args(),
        yc,
        np.empty(0),
        coef,
        xbar,
        lipschitz,
        l1,
        l2,
        False,
        True,
        max_iter,
        tol,
        **kwargs,
    )


def _kernel(X, y, l1, l2, max_iter, tol, **kwargs):
    """One call of the compiled kernel from w = 0."""
    prepared = _prepared(X, y)
    coef = np.zeros(X.shape[1])

    def call():
        coef[:] = 0.0
        return _solve(prepared, coef, l1, l2, max_iter, tol, **kwargs)

    return call


def _kernel_path(X, y, alphas, tol, l1_ratio=1.0, as_path=False, **kwargs):
    """Kernel calls along ``alphas``, each warm-started from the last
    solution, with one workspace for the path. ``as_path``: also as
    ``compute_path`` calls it, with the sequential strong rule's threshold,
    the last check's gradient handed on and its inner share (no direct
    solves)."""
    from shrinkage._path import _INNER_SHARE

    prepared = _prepared(X, y)
    coef = np.zeros(X.shape[1])
    gradient = np.empty(X.shape[1])

    def call():
        coef[:] = 0.0
        workspace: dict = {}
        ready = False
        for k, alpha in enumerate(alphas):
            extra = {}
            if as_path:
                strong = l1_ratio * (2 * alpha - alphas[k - 1]) if k else -1.0
                extra = dict(
                    strong_l1=float(strong),
                    gradient=gradient,
                    gradient_ready=ready,
                    inner_share=_INNER_SHARE,
                )
            *_, ready = _solve(
                prepared,
                coef,
                float(alpha * l1_ratio),
                float(alpha * (1 - l1_ratio)),
                100_000,
                tol,
                workspace=workspace,
                **extra,
                **kwargs,
            )

    return call


def _once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _interleaved(calls: dict, rounds: int) -> tuple[float, float]:
    """Median times of the two calls of ``calls`` (default first), run in
    turn for ``rounds`` rounds."""
    times: dict = {key: [] for key in calls}
    for _ in range(rounds):
        for key in times:
            times[key].append(_once(calls[key]))
    first, second = times.values()
    return float(np.median(first)), float(np.median(second))


def _problems(problems: dict, data_dir: str):
    """(name, problem) of each synthetic size, and of each shared data set
    (size None) when ``data_dir`` is there."""
    for name, size in problems.items():
        if size is None:
            if not os.path.isdir(data_dir):
                continue
            yield name, bp.load_real(name, data_dir)
        else:
            yield name, bp.make_synthetic(name, size)


def pair_rows(sizes, rounds: int) -> list[str]:
    from shrinkage._kernels import set_simd

    if not set_simd(None):
        return ["(the AVX2 kernels do not run here: no paired epochs to time)"]
    rows = [
        "| n x p | epoch, one coordinate per pass | epoch, pairs | one / pairs |",
        "|---|---|---|---|",
    ]
    for n, p in sizes:
        X, signal, rng = bp.synthetic_signal((n, p, None))
        y = signal + rng.standard_normal(n)
        l1 = bp.alpha_max(X, y, 1.0, True) / 100
        calls = {
            (pairs, k): _kernel(
                X,
                y,
                l1,
                0.0,
                k,
                -1.0,
                use_working_set=False,
                use_screening=False,
                anderson_depth=0,
                dual_depth=0,
                gap_freq=k,
                first_check=k,
                pair_min_n=0 if pairs else 2**62,
            )
            for pairs in (False, True)
            for k in (1, 11)
        }
        epochs = {False: [], True: []}
        for _ in range(rounds):
            for pairs in (False, True):
                t1 = _once(calls[pairs, 1])
                t11 = _once(calls[pairs, 11])
                epochs[pairs].append((t11 - t1) / 10)
        one, two = np.median(epochs[False]), np.median(epochs[True])
        rows.append(
            f"| {n} x {p} | {bp.fmt_time(one)} | {bp.fmt_time(two)} | {one / two:.2f} |"
        )
    return rows


def share_rows(problems, rounds: int) -> list[str]:
    from shrinkage._coordinate_descent import scaled_tolerance

    rows = [
        "| problem | task | share 0.75 (default) | share 2.0 (never) "
        "| never / default |",
        "|---|---|---|---|---|",
    ]
    for name, size in problems.items():
        prob = bp.make_synthetic(name, size)
        X, y = prob.X, prob.y
        tol = scaled_tolerance(y, None, 1e-6, True)
        for task, l1_ratio in (("lasso100", 1.0), ("enet100", 0.5)):
            alpha = bp.alpha_max(X, y, l1_ratio, True) / 100
            calls = {
                share: _kernel(
                    X,
                    y,
                    alpha * l1_ratio,
                    alpha * (1 - l1_ratio),
                    100_000,
                    tol,
                    ws_full_share=share,
                )
                for share in (0.75, 2.0)
            }
            a, b = _interleaved(calls, rounds)
            rows.append(
                f"| {name} {prob.shape_str} | {task} | {bp.fmt_time(a)} "
                f"| {bp.fmt_time(b)} | {b / a:.2f} |"
            )
    return rows


def cycling_rows(problems, rounds: int, data_dir: str) -> list[str]:
    from shrinkage._coordinate_descent import scaled_tolerance

    rows = [
        "| problem | task | with cycling (default) | without | without / with |",
        "|---|---|---|---|---|",
    ]
    for name, prob in _problems(problems, data_dir):
        X, y = prob.X, prob.y
        tol = scaled_tolerance(y, None, 1e-6, True)
        top = bp.alpha_max(X, y, 1.0, True)
        tasks = {
            f"lasso{k}": {
                on: _kernel(X, y, top / k, 0.0, 100_000, tol, active_cycling=on)
                for on in (True, False)
            }
            for k in (10, 100)
        }
        if name != "sparse-wide":  # (its 1e-6 path takes minutes)
            alphas = top * np.logspace(0, -3, 100)
            tasks["path"] = {
                on: _kernel_path(X, y, alphas, tol, active_cycling=on)
                for on in (True, False)
            }
        for task, calls in tasks.items():
            a, b = _interleaved(calls, rounds)
            rows.append(
                f"| {name} {prob.shape_str} | {task} | {bp.fmt_time(a)} "
                f"| {bp.fmt_time(b)} | {b / a:.2f} |"
            )
    return rows


def strong_rows(problems, rounds: int, data_dir: str) -> list[str]:
    from shrinkage._coordinate_descent import scaled_tolerance

    rows = [
        "| problem | task | rel. tol | strong set only (default) | ranked and "
        "filled | filled / only |",
        "|---|---|---|---|---|---|",
    ]
    for name, prob in _problems(problems, data_dir):
        X, y = prob.X, prob.y
        for task, l1_ratio in (("path", 1.0), ("enetpath", 0.5)):
            alphas = bp.alpha_max(X, y, l1_ratio, True) * np.logspace(0, -3, 100)
            for rel in (1e-4, 1e-6):
                tol = scaled_tolerance(y, None, rel, True)
                calls = {
                    only: _kernel_path(
                        X,
                        y,
                        alphas,
                        tol,
                        l1_ratio=l1_ratio,
                        as_path=True,
                        strong_set_only=only,
                    )
                    for only in (True, False)
                }
                a, b = _interleaved(calls, rounds)
                rows.append(
                    f"| {name} {prob.shape_str} | {task} | {rel:g} "
                    f"| {bp.fmt_time(a)} | {bp.fmt_time(b)} | {b / a:.2f} |"
                )
    return rows


SECTIONS = ("pairs", "share", "cycling", "strong")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--data-dir", default=bp.DEFAULT_DATA)
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help="comma-separated, of: " + ", ".join(SECTIONS) + " (default: all)",
    )
    args = parser.parse_args(argv)
    sections = [s for s in args.sections.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    rounds = args.rounds or (3 if args.quick else 7)
    quick = args.quick
    parts = {
        "pairs": (
            "pair_min_n: one epoch with and without paired coordinates",
            lambda: pair_rows(QUICK_PAIR_SIZES if quick else PAIR_SIZES, rounds),
        ),
        "share": (
            "ws_full_share: whole solves, relative tol 1e-6",
            lambda: share_rows(
                QUICK_SHARE_PROBLEMS if quick else SHARE_PROBLEMS, rounds
            ),
        ),
        "cycling": (
            "active_cycling: whole solves and kernel paths, relative tol 1e-6",
            lambda: cycling_rows(
                QUICK_CYCLING_PROBLEMS if quick else CYCLING_PROBLEMS,
                rounds,
                args.data_dir,
            ),
        ),
        "strong": (
            "strong_set_only: kernel paths as a path runs them",
            lambda: strong_rows(
                QUICK_CYCLING_PROBLEMS if quick else STRONG_PROBLEMS,
                rounds,
                args.data_dir,
            ),
        ),
    }
    with threadpool_limits(1):
        lines = [
            "# Kernel choices: paired epochs by n, full set for near-full working "
            "sets, active-set cycling, strong sets as working sets",
            "",
            "`python benchmarks/bench_kernel_choices.py"
            + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
            + "`",
            "",
            f"- Code: {bp.code_state()}",
            f"- CPU: {bp.cpu_name()}; one BLAS thread; medians of {rounds} "
            "interleaved rounds",
        ]
        for name in sections:
            title, rows = parts[name]
            lines += ["", f"## {title}", "", *rows()]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
