"""Smoke test of benchmarks/bench_logistic_cv.py on its tiny problems."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
from _helpers import bench_modules

pytest.importorskip("threadpoolctl")

HAS_GLMNET = importlib.util.find_spec("glmnet") is not None


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench_logistic_cv")
    argv = ["--tiny", "--out", str(out), "--stop-error", "1e-4"]
    argv += ["--solvers", "shrinkage,liblinear,glmnet"]
    with bench_modules("bench_logistic_cv") as (bench,):
        assert bench.main(argv) == 0
    return out


@pytest.fixture(scope="module")
def rows(tiny_run):
    return json.loads((tiny_run / "logistic_cv_tiny.json").read_text())["rows"]


def test_outputs_written(tiny_run):
    assert sorted(p.name for p in tiny_run.iterdir()) == [
        "logistic_cv_tiny.json",
        "logistic_cv_tiny.md",
    ]
    report = (tiny_run / "logistic_cv_tiny.md").read_text()
    for title in (
        "## Time to a curve error of 0.001",
        "## Time to a curve error of 1e-05",
        "## Exact curves and each setting",
        "| tiny-dense | 40x120 dense | ",
    ):
        assert title in report


def test_our_ladder_reaches_the_exact_curve(rows):
    assert [r["problem"] for r in rows] == ["tiny-dense", "tiny-sparse"]
    for row in rows:
        rungs = row["solvers"]["shrinkage"]["rungs"]
        assert rungs[-1]["error"] <= 1e-4
        assert rungs[-1]["steps_from_ref"] == 0
        # loose to tight, each with its own measured times
        tols = [r["tol"] for r in rungs]
        assert tols == sorted(tols, reverse=True)
        for r in rungs:
            assert r["median"] == pytest.approx(float(np.median(r["times"])))


def test_liblinear_confirms_the_reference(rows):
    """scikit-learn's liblinear, an independent solver, converges to our
    exact curve: the grid mapping C = 1 / (n_train alpha) and the folds are
    the same problem on both sides."""
    for row in rows:
        rungs = row["solvers"]["liblinear"]["rungs"]
        assert rungs[-1]["error"] <= 1e-4
        assert rungs[-1]["steps_from_ref"] == 0


def test_glmnet_runs_or_is_reported_missing(rows, tiny_run):
    report = (tiny_run / "logistic_cv_tiny.md").read_text()
    for row in rows:
        entry = row["solvers"]["glmnet"]
        if HAS_GLMNET:
            # its own splitter's exact curve: it gets closer as tol tightens
            errors = [r["error"] for r in entry["rungs"]]
            assert min(errors) < 0.1 * errors[0]
            assert entry["splitter"] == "stratified"
        else:
            assert "skip" in entry
    if not HAS_GLMNET:
        assert "| skip |" in report


def test_rows_cut_to_equal_training_folds():
    with bench_modules("bench_logistic_cv", "bench_logistic") as (bench, bl):
        problem = bl.make_synthetic("odd", (43, 20, None), seed=0)
        cut = bench.prepare(problem, 5)
    assert cut.X.shape == (40, 20) and cut.y.shape == (40,)
    assert cut.X.flags.f_contiguous
    np.testing.assert_array_equal(cut.y, problem.y[:40])


def test_time_to_target_takes_the_fastest_setting_within_it():
    with bench_modules("bench_logistic_cv") as (bench,):
        rungs = [
            {"tol": 1e-2, "median": 1.0, "error": 1e-1},
            {"tol": 1e-3, "median": 3.0, "error": 1e-4},
            {"tol": 1e-4, "median": 2.0, "error": 1e-6},
        ]
        assert bench.time_to(rungs, 1e-3, 30)["tol"] == 1e-4
        assert bench.time_to(rungs, 1e-7, 30) is None
        # a curve that does not cover the grid reaches no target
        short = [dict(r, covered=14) for r in rungs]
        assert bench.time_to(short, 1e-3, 30) is None
        row = {
            "n_alphas": 30,
            "solvers": {
                "shrinkage": {"rungs": [{"tol": 1e-3, "median": 0.5, "error": 1e-5}]},
                "liblinear": {"rungs": rungs},
                "glmnet": {"skip": "not installed"},
            },
        }
        assert bench.cell(row, "liblinear", 1e-3).endswith("**4.0x**")
        assert bench.cell(row, "liblinear", 1e-7) == "— (best 1e-06)"
        assert bench.cell(row, "glmnet", 1e-3) == "skip"
        row["solvers"]["liblinear"] = {"rungs": short}
        assert (
            bench.cell(row, "liblinear", 1e-3) == "— (scores 14 of 30 alphas at most)"
        )


def test_unknown_solver_is_refused(tmp_path):
    with bench_modules("bench_logistic_cv") as (bench,):
        with pytest.raises(SystemExit, match="unknown solver"):
            bench.main(["--tiny", "--solvers", "nope", "--out", str(tmp_path)])
