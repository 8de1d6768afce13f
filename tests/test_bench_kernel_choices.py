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
    assert "## active_cycling" in out and "## strong_set_only" in out
    # one row per quick problem and task
    assert out.count("| mid 600x200 dense |") == 2
    # cycling: lasso10, lasso100 and the path; strong sets: two paths at two
    # tolerances each
    assert out.count("| wide 100x1000 dense |") == 3 + 4


def test_kernel_choices_sections(capsys):
    with bench_modules("bench_kernel_choices") as (script,):
        script.main(["--quick", "--rounds", "1", "--sections", "strong"])
        out = capsys.readouterr().out
        assert "## strong_set_only" in out and "## pair_min_n" not in out
        assert out.count("| wide 100x1000 dense |") == 4
        with pytest.raises(SystemExit):
            script.main(["--quick", "--sections", "strong,nope"])
