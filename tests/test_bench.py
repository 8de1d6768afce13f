"""The main job (python -m shrinkage bench) on its smallest problem."""

from __future__ import annotations

from shrinkage import bench


def test_run_one_agrees_in_objective():
    row = bench.run_one(
        "dense wide",
        "tiny",
        30,
        60,
        None,
        "Lasso",
        1.0,
        tol=1e-10,
        repeat=1,
        with_reference=True,
    )
    best = min(row.obj_ours, row.obj_ref, row.obj_sklearn)
    for value in (row.obj_ours, row.obj_ref, row.obj_sklearn):
        assert (value - best) / best < 1e-7
    assert row.t_ours > 0 and row.t_ref > 0 and row.t_sklearn > 0
    assert len(row.cells()) == len(bench.HEADER)


def test_main_writes_table(tmp_path, capsys):
    assert (
        bench.main(["--sizes", "tiny", "--repeat", "1", "--output", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    assert "| problem | n x p | task |" in out
    text = (tmp_path / "bench.md").read_text()
    assert text.count("| dense wide | 40 x 100 |") == 2
    assert "sparse wide" not in text  # no tiny sparse problem
