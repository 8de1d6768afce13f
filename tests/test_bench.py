"""The main job (``python -m shrinkage bench``) on its tiniest problems."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from shrinkage import bench

TINY = {pr.family: pr for pr in bench.PROBLEMS if pr.size == "tiny"}


@pytest.mark.parametrize("family", ["dense wide", "sparse wide"])
@pytest.mark.parametrize("task", bench.TASKS, ids=lambda t: t.name)
def test_run_problem_objectives_agree(family, task):
    row = bench.run_problem(TINY[family], task, tol=1e-8, repeat=1)
    assert set(row.results) == {"ours", "reference", "sklearn"}
    for result in row.results.values():
        assert result.seconds > 0 and result.runs == 1 and result.converged
    rel = row.relative_objectives()
    assert min(rel.values()) == 0.0
    assert max(rel.values()) < 1e-5, rel

    table = bench.markdown_table([row], repeat=1)
    header, rule, line = table.splitlines()
    assert header == "| " + " | ".join(bench.HEADER) + " |"
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "problem",
        "n x p",
        "task",
        "ours (s)",
        "NumPy ref (s)",
        "sklearn (s)",
        "ref / ours",
        "sklearn / ours",
        "rel. obj ours",
        "rel. obj ref",
        "rel. obj sklearn",
        "X^T r (s)",
        "ours / X^T r",
        "ref / X^T r",
    ]
    assert rule.count("---") == len(bench.HEADER)
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert len(cells) == len(bench.HEADER)
    shape = f"{row.problem.n_samples} x {row.problem.n_features}"
    assert cells[:3] == [family, shape, task.name]
    assert cells[6].endswith("x") and cells[7].endswith("x")
    # the fits' times in passes over X: each time over the same X^T r time
    assert row.matvec_seconds > 0
    assert float(cells[11]) == pytest.approx(row.matvec_seconds, rel=0.01)
    for cell, name in ((cells[12], "ours"), (cells[13], "reference")):
        passes = row.results[name].seconds / row.matvec_seconds
        assert float(cell) == pytest.approx(passes, rel=0.06, abs=0.06)


def test_cells_mark_single_runs_and_missing_reference():
    row = bench.Row(TINY["dense tall"], bench.TASKS[0], alpha=0.1)
    row.results["ours"] = bench.SolverResult(0.5, 3, 1.0)
    row.results["sklearn"] = bench.SolverResult(1.0, 3, 1.0 + 1e-9)
    cells = row.cells(repeat=3)
    assert cells[4] == "—" and cells[6] == "—" and cells[9] == "—"
    assert cells[7] == "2.0x"
    row.results["reference"] = bench.SolverResult(20.0, 1, 1.0, converged=False)
    cells = row.cells(repeat=3)
    assert "(1 run)" in cells[4] and "(not converged)" in cells[4]
    assert cells[6] == "40x"
    # no X^T r timed: no pass counts
    assert cells[11:] == ["—", "—", "—"]
    row.matvec_seconds = 0.1
    cells = row.cells(repeat=3)
    assert cells[11:] == ["1.00e-01", "5.0", "200.0"]


def test_main_tiny_writes_markdown(tmp_path, capsys):
    out = tmp_path / "results"
    status = bench.main(
        ["bench", "--sizes", "tiny", "--repeat", "1", "--output", str(out)]
    )
    assert status == 0
    stdout = capsys.readouterr().out
    assert "| problem | n x p | task |" in stdout
    assert "CPU:" in stdout and "BLAS threads:" in stdout
    text = (out / "bench.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    # The header line, then 3 families x 2 tasks.
    assert len(rows) == 1 + 3 * len(bench.TASKS)
    for family in TINY:
        assert text.count(f"| {family} |") == len(bench.TASKS)
    if importlib.util.find_spec("matplotlib") is not None:
        assert (out / "bench.png").stat().st_size > 0


def test_quick_selects_small_problems(monkeypatch):
    seen = {}

    def fake_run(problems, **kwargs):
        seen["sizes"] = {pr.size for pr in problems}
        seen["families"] = {pr.family for pr in problems}
        return []

    monkeypatch.setattr(bench, "run_benchmark", fake_run)
    assert bench.main(["--quick", "--repeat", "1", "--no-reference"]) == 0
    assert seen == {"sizes": {"small"}, "families": set(TINY)}


def test_bad_sizes_rejected():
    with pytest.raises(SystemExit):
        bench.main(["--sizes", "huge"])


def test_benchmark_script_adds_output(monkeypatch):
    path = Path(__file__).resolve().parents[1] / "benchmarks"
    spec = importlib.util.spec_from_file_location(
        "bench_cd_vs_reference", path / "bench_cd_vs_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls = []
    monkeypatch.setattr(module, "main", lambda args: calls.append(args) or 0)
    assert module.run(["--quick"]) == 0
    assert calls[-1] == ["--quick", "--output", str(path / "results")]
    assert module.run(["--quick", "--output=elsewhere"]) == 0
    assert calls[-1] == ["--quick", "--output=elsewhere"]
