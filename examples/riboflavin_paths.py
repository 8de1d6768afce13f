"""Which genes does the Lasso select on riboflavin (71 x 4088) as alpha shrinks?

Run from the repository root (needs ../shared/data/riboflavin.npz and
matplotlib)::

    python examples/riboflavin_paths.py --output docs/riboflavin_paths.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from shrinkage import LassoCV, lasso_path  # noqa: E402
from shrinkage.plot import plot_cv, plot_path  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "riboflavin.npz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("riboflavin_paths.png"))
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} not found: this example needs the shared data sets.")
        return 0
    d = np.load(DATA)
    X = sp.csr_matrix((d["data"], d["indices"], d["indptr"]), shape=tuple(d["shape"]))
    X, y = X.toarray(), d["y"]
    alphas, coefs, _ = lasso_path(X, y, fit_intercept=True, eps=1e-2, tol=1e-8)
    cv = LassoCV(cv=5, eps=1e-2, tol=1e-8, n_jobs=2).fit(X, y)

    first = np.argmax(coefs != 0, axis=1)
    ever = np.flatnonzero(np.any(coefs != 0, axis=1))
    order = ever[np.argsort(first[ever], kind="stable")]
    print("first genes to enter (column index: alpha at entry)")
    for j in order[:10]:
        print(f"  gene {j:4d}: alpha = {alphas[first[j]]:.4f}")
    for name, a in [("alpha_", cv.alpha_), ("alpha_1se_", cv.alpha_1se_)]:
        k = int(np.argmin(np.abs(alphas - a)))
        print(f"{name} = {a:.4f}: {np.count_nonzero(coefs[:, k])} genes selected")

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    plot_path(alphas, coefs, ax=left, title="Lasso path, riboflavin")
    for a, style in [(cv.alpha_, "--"), (cv.alpha_1se_, ":")]:
        left.axvline(a, color="k", ls=style, lw=1)
    plot_cv(cv, ax=right, title="5-fold CV error")
    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
