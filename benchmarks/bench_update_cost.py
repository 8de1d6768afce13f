"""Cost of one dense coordinate update, for the direct-solve cost model.

``shrinkage._face.face_solve_epochs`` weighs a direct solve on the support
against epochs of descent, a dense update priced at ``2 n + C`` flops
(``_DENSE_COORDINATE_COST`` = C). This script measures what an update costs
where that choice is made: descent on the support of a Lasso solution (the
small-alpha end of a path), every coordinate moving, with the kernel's usual
gap checks (every 10 epochs) and Anderson extrapolation (every 5), from a
warm start next to the optimum. The design is restricted to the support
columns (Fortran-ordered copy), so every update is a dot and an axpy.

For each problem: ns per update = (T(K2 epochs) - T(K1 epochs)) /
((K2 - K1) m), medians of repeats, one BLAS thread. Two problems with
different n give the C for which ``ns = rate (2 n + C)`` holds for both.

That in-loop cost is not all an epoch costs on a path: each alpha's kernel
call also does fixed work (a gap check over every feature, its buffers),
shared by that alpha's epochs. So the script also prints what the model's
C decides on the 100-alpha Lasso paths of the same problems (alpha_max to
alpha_max / 1000, no intercept, tol 1e-7): the epochs run, the direct
solves kept, and the alphas that ran no epochs. These counts do not depend on the
machine; ``--coordinate-cost`` runs them with another C for comparison.

Usage (from the repository root)::

    python benchmarks/bench_update_cost.py
    python benchmarks/bench_update_cost.py --coordinate-cost 120
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
import bench_peers as bp  # noqa: E402


def update_cost(problem: bp.Problem, fraction: float, reps: int) -> dict:
    """ns per coordinate update of descent on the support at
    alpha = fraction * alpha_max (Lasso with intercept)."""
    from shrinkage._kernels._enet import enet_coordinate_descent

    import shrinkage
    from shrinkage._coordinate_descent import design_stats
    from shrinkage._validation import as_design

    X = problem.X.toarray() if hasattr(problem.X, "toarray") else problem.X
    y = problem.y
    alpha = fraction * bp.alpha_max(X, y, 1.0, True)
    fit = shrinkage.Lasso(alpha=alpha, tol=1e-6, max_iter=100_000).fit(X, y)
    support = np.flatnonzero(fit.coef_)
    XS = np.asfortranarray(X[:, support])
    design = as_design(XS)
    xbar, lipschitz = design_stats(design, None, True)
    yc = y - y.mean()

    def run(epochs: int) -> None:
        coef = fit.coef_[support].copy()
        enet_coordinate_descent(
            *design.kernel_args(),
            yc,
            np.empty(0),
            coef,
            xbar,
            lipschitz,
            alpha,
            0.0,
            False,
            True,
            epochs,
            -1.0,  # never converged: exactly `epochs` epochs
            use_working_set=False,
            use_screening=False,
        )

    k1, k2 = 10, 110
    t1 = bp.median_time(lambda: run(k1), reps)
    t2 = bp.median_time(lambda: run(k2), reps)
    n, m = XS.shape
    return {"name": problem.name, "n": n, "m": m, "ns": (t2 - t1) / (k2 - k1) / m * 1e9}


def path_counts(problem: bp.Problem) -> tuple[int, int, int]:
    """(epochs, direct solves kept, alphas with no epochs) of the 100-alpha
    Lasso path from alpha_max to alpha_max / 1000, no intercept, tol 1e-7.

    An alpha runs no epochs when a direct solve settled it or when the
    previous alpha's solution already met the tolerance; the kept solves
    are counted apart, at the call the solver makes."""
    import shrinkage
    import shrinkage._coordinate_descent as cd

    face_solve = cd.face_solve
    kept = 0

    def counted(*args, **kwargs):
        nonlocal kept
        replaced = face_solve(*args, **kwargs)
        kept += bool(replaced)
        return replaced

    top = bp.alpha_max(problem.X, problem.y, 1.0, False)
    cd.face_solve = counted
    try:
        _, _, _, n_iter = shrinkage.lasso_path(
            problem.X,
            problem.y,
            alphas=top * np.geomspace(1, 1e-3, 100),
            tol=1e-7,
            max_iter=10_000,
            return_n_iter=True,
        )
    finally:
        cd.face_solve = face_solve
    return int(n_iter.sum()), kept, int(np.count_nonzero(n_iter == 0))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=bp.DEFAULT_DATA)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument(
        "--coordinate-cost",
        type=float,
        default=None,
        help="C for the path counts (default: the library's)",
    )
    args = ap.parse_args(argv)
    import shrinkage._face as face

    if args.coordinate_cost is not None:
        face._DENSE_COORDINATE_COST = args.coordinate_cost
    problems = [bp.make_synthetic("dense-wide", bp.FULL_SIZES["dense-wide"])]
    if os.path.exists(os.path.join(args.data_dir, bp.REAL_FILES["leukemia"])):
        problems.insert(0, bp.load_real("leukemia", args.data_dir))
    rows = []
    with threadpool_limits(1):
        for problem in problems:
            row = update_cost(problem, 0.01, args.reps)
            rows.append(row)
            print(
                f"{row['name']:12s} n={row['n']:5d} support m={row['m']:4d}: "
                f"{row['ns']:6.0f} ns per update"
            )
    if len(rows) == 2:
        (a, b) = rows
        # ns = rate (2 n + C) for both: C from the ratio of the two costs
        ratio = a["ns"] / b["ns"]
        c = (2 * a["n"] - ratio * 2 * b["n"]) / (ratio - 1.0)
        print(f"C with ns = rate (2n + C) on both: {c:.0f} flops per update")
    print(f"Paths with the model's C = {face._DENSE_COORDINATE_COST:g}:")
    for problem in problems:
        epochs, kept, idle = path_counts(problem)
        print(
            f"{problem.name:12s} {epochs:6d} epochs, {kept:3d} direct solves "
            f"kept, {idle:3d} of 100 alphas with no epochs"
        )


if __name__ == "__main__":
    main()
