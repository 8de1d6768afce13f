"""Smoke test of benchmarks/bench_kernel_choices.py at its quick sizes."""

from __future__ import annotations

import pytest
from _helpers import bench_modules

pytest.importorskip("threadpoolctl")


def test_kernel_choices_quick_run(capsys):
    with bench_modules("bench_kernel_choices") as (script,):
        script.main(["--quick", "--rounds", "1"])
    out = capsys.readouterr().out
    assert "## pair_min_n" in out and "## ws_full_share" in out
    assert "## active_cycling" in out
    # one row per quick problem and task
    assert out.count("| mid 600x200 dense |") == 2
    # lasso10, lasso100 and the path
    assert out.count("| wide 100x1000 dense |") == 3
