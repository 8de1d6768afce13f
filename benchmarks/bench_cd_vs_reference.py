"""Compiled coordinate descent vs the NumPy reference vs scikit-learn.

The same run as ``python -m shrinkage bench`` (see :mod:`shrinkage.bench`),
writing ``bench.md`` (table) and ``bench.png`` (time vs problem size) under
``benchmarks/results`` unless ``--output`` says otherwise; every other
argument is passed through::

    python benchmarks/bench_cd_vs_reference.py            # default run, minutes
    python benchmarks/bench_cd_vs_reference.py --quick    # smallest sizes
    python benchmarks/bench_cd_vs_reference.py --sizes small,medium --repeat 5
"""

from __future__ import annotations

import sys
from pathlib import Path

from shrinkage.bench import main

RESULTS = Path(__file__).resolve().parent / "results"


def run(argv: list[str]) -> int:
    """Call :func:`shrinkage.bench.main`, adding ``--output RESULTS`` if absent.

    Parameters
    ----------
    argv : list of str
        Command-line arguments, as for ``python -m shrinkage bench``.

    Returns
    -------
    int
        The exit status of :func:`shrinkage.bench.main`.
    """
    args = list(argv)
    if not any(a == "--output" or a.startswith("--output=") for a in args):
        args += ["--output", str(RESULTS)]
    return main(args)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
