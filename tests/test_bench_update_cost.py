"""Smoke test of benchmarks/bench_update_cost.py on a small problem."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import bench_modules

pytest.importorskip("threadpoolctl")


def test_update_cost_and_path_counts_on_a_small_problem():
    with bench_modules("bench_update_cost") as (script,):
        bp = script.bp
        problem = bp.make_synthetic("dense-wide", bp.QUICK_SIZES["dense-wide"])
        row = script.update_cost(problem, 0.01, reps=1)
        n, p = problem.X.shape
        assert row["n"] == n and 0 < row["m"] <= min(n, p)
        assert np.isfinite(row["ns"])  # a time difference: its sign is not asserted
        epochs, kept, idle = script.path_counts(problem)
        assert epochs > 0 and 0 <= kept and 0 <= idle <= 100
