"""Smoke test of benchmarks/bench_update_cost.py on a small problem."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_update_cost.py"

pytest.importorskip("threadpoolctl")


def load_script():
    spec = importlib.util.spec_from_file_location("bench_update_cost", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_update_cost"] = module
    spec.loader.exec_module(module)
    return module


def test_update_cost_and_path_counts_on_a_small_problem():
    script = load_script()
    bp = script.bp
    problem = bp.make_synthetic("dense-wide", bp.QUICK_SIZES["dense-wide"])
    row = script.update_cost(problem, 0.01, reps=1)
    n, p = problem.X.shape
    assert row["n"] == n and 0 < row["m"] <= min(n, p)
    assert np.isfinite(row["ns"])  # a time difference: its sign is not asserted
    epochs, settled = script.path_counts(problem)
    assert epochs > 0 and 0 <= settled <= 100
