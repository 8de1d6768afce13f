"""Which genes does the Lasso select on riboflavin (71 x 4088) as alpha shrinks?

The riboflavin data (Buhlmann, Kalisch & Meier 2014): the log production
rate of riboflavin by Bacillus subtilis for 71 samples, against the log
expression of 4088 genes (p >> n). The script computes the Lasso path with an
intercept, chooses alpha by 5-fold cross-validation on the same grid, prints
the order in which genes enter the model and how many are selected at
``alpha_`` (lowest CV error) and ``alpha_1se_`` (one-standard-error rule), and
saves a two-panel figure: the path with both alphas marked, and the CV curve.

Run from the repository root (needs ``../shared/data/riboflavin.npz`` and
matplotlib, ``pip install "shrinkage[plot]"``)::

    python examples/riboflavin_paths.py --output docs/riboflavin_paths.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from shrinkage import LassoCV, lasso_path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "riboflavin.npz"

# One grid for the path and the CV: 100 alphas from alpha_max down to
# 1e-2 alpha_max (below that, with 71 samples, the fits interpolate and the
# CV error only grows). With p >> n the small-alpha solutions are ill
# conditioned: the default tol=1e-4 (relative duality gap) leaves visible
# zig-zags in the coefficient curves there, so solve tighter.
GRID = {"n_alphas": 100, "eps": 1e-2, "fit_intercept": True, "tol": 1e-8}
N_FIRST = 10


def load_riboflavin(path: Path) -> tuple[np.ndarray, np.ndarray]:
    d = np.load(path)
    X = sp.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
    return X.toarray(), np.asarray(d["y"], dtype=np.float64)


def entry_order(coefs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features that are ever non-zero, in order of entry (largest alpha
    first; ties broken by the size of the coefficient at entry), and the
    index of the first grid alpha at which each is non-zero."""
    nonzero = coefs != 0
    ever = np.flatnonzero(nonzero.any(axis=1))
    first = nonzero.argmax(axis=1)[ever]
    size = np.abs(coefs[ever, first])
    order = np.lexsort((-size, first))
    return ever[order], first[order]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Lasso path and LassoCV on the riboflavin data."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "docs" / "riboflavin_paths.png",
        help="where to save the figure (default: docs/riboflavin_paths.png)",
    )
    parser.add_argument(
        "--data", type=Path, default=DATA, help="path to riboflavin.npz"
    )
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(
            f"{args.data} not found: this example needs the shared data sets "
            "(../shared/data relative to the repository root). Nothing to do."
        )
        return 0
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print('This example needs matplotlib: pip install "shrinkage[plot]"')
        return 1
    from shrinkage.plot import plot_cv, plot_path

    X, y = load_riboflavin(args.data)
    print(f"riboflavin: {X.shape[0]} samples x {X.shape[1]} genes")
    alphas, coefs, _ = lasso_path(X, y, **GRID)
    cv = LassoCV(cv=5, n_jobs=2, **GRID).fit(X, y)
    assert np.allclose(cv.alphas_, alphas)  # same grid: alpha_ is a path point

    genes, first = entry_order(coefs)
    print(f"first {N_FIRST} genes to enter as alpha shrinks from {alphas[0]:.4f}")
    print("(alpha at entry: the first grid alpha with a non-zero coefficient)")
    print("  gene (column)   alpha at entry   sign")
    for j, k in zip(genes[:N_FIRST], first[:N_FIRST], strict=True):
        sign = "+" if coefs[j, k] > 0 else "-"
        print(f"  {j:13d}   {alphas[k]:14.4f}   {sign}")
    nnz = np.count_nonzero(coefs, axis=0)
    for name, a in [("alpha_", cv.alpha_), ("alpha_1se_", cv.alpha_1se_)]:
        k = int(np.argmin(np.abs(alphas - a)))
        print(f"{name:<10} = {a:.4f}: {nnz[k]:2d} genes selected")
    assert nnz[int(np.argmin(np.abs(alphas - cv.alpha_)))] == np.count_nonzero(cv.coef_)
    print(
        f"CV mean squared error at alpha_: {cv.mse_path_.mean(axis=1).min():.4f} "
        f"(variance of y: {y.var():.4f})"
    )

    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13, 4.8), layout="constrained", width_ratios=[1.15, 1]
    )
    plot_path(
        alphas,
        coefs,
        ax=left,
        feature_names=[f"gene {j}" for j in range(X.shape[1])],
        highlight=genes[:6],  # the first six to enter
        title="Lasso path (riboflavin, 71 x 4088)",
    )
    left.axvline(cv.alpha_, color="k", ls="--", lw=1, label=f"alpha_ = {cv.alpha_:.3g}")
    left.axvline(
        cv.alpha_1se_,
        color="k",
        ls=":",
        lw=1.2,
        label=f"alpha_1se_ = {cv.alpha_1se_:.3g}",
    )
    left.legend(fontsize=8, loc="lower left")
    plot_cv(cv, ax=right, title="5-fold cross-validation", show_folds=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output, dpi=110)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
