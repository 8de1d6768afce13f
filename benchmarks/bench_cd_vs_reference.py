"""Compiled coordinate descent vs the NumPy reference vs scikit-learn.

The same run as ``python -m shrinkage bench``, writing ``bench.md`` (table)
and ``bench.png`` (time vs problem size) under ``benchmarks/results`` unless
``--output`` says otherwise::

    python benchmarks/bench_cd_vs_reference.py            # full (minutes)
    python benchmarks/bench_cd_vs_reference.py --quick    # short
"""

from __future__ import annotations

import sys
from pathlib import Path

from shrinkage.bench import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--output" not in args:
        args += ["--output", str(Path(__file__).resolve().parent / "results")]
    sys.exit(main(args))
