"""Smoke test of benchmarks/bench_cv.py on its tiny problems (hidden --tiny)."""

from __future__ import annotations

import json

import pytest
from _helpers import bench_modules

pytest.importorskip("threadpoolctl")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench_cv")
    with bench_modules("bench_cv") as (bench_cv,):
        assert bench_cv.main(["--tiny", "--out", str(out)]) == 0
    return out


def test_outputs_written(tiny_run):
    assert sorted(p.name for p in tiny_run.iterdir()) == ["cv_tiny.json", "cv_tiny.md"]
    report = (tiny_run / "cv_tiny.md").read_text()
    for title in (
        "## LassoCV / ElasticNetCV: ours vs scikit-learn",
        "## LassoCV n_jobs=2 vs n_jobs=1 (ours, threads)",
        "## Per-alpha profile of one fold's Lasso path",
        "## RidgeCV (leave-one-out): ours vs scikit-learn",
        "### Our RidgeCV peak memory vs n",
    ):
        assert title in report
    assert "Load average (1 min) at start" in report


def test_cv_rows(tiny_run):
    data = json.loads((tiny_run / "cv_tiny.json").read_text())
    rows = data["cv"]
    assert [(r["problem"], r["estimator"]) for r in rows] == [
        ("dense-wide", "LassoCV"),
        ("dense-wide", "ElasticNetCV"),
        ("sparse-wide", "LassoCV"),
        ("sparse-wide", "ElasticNetCV"),
    ]
    for r in rows:
        assert r["ours_median"] > 0 and r["sk_median"] > 0
        assert r["ratio"] == pytest.approx(r["sk_median"] / r["ours_median"])
        assert r["n_alphas"] == 10 and r["folds"] == 5
        assert r["ours_alpha"] > 0 and r["sk_alpha"] > 0
        # Same folds, grid and gap tolerance: the curves agree closely.
        assert r["mse_max_rel_diff"] < 0.2
        assert r["ours_conv_warnings"] == 0
    table = [
        line
        for line in (tiny_run / "cv_tiny.md").read_text().splitlines()
        if line.startswith("| dense-wide | 40x120 dense | LassoCV")
    ]
    assert len(table) == 1 and table[0].count("|") == 16


def test_jobs_profile_ridge_rows(tiny_run):
    data = json.loads((tiny_run / "cv_tiny.json").read_text())
    assert [r["problem"] for r in data["jobs"]] == ["dense-wide", "sparse-wide"]
    for r in data["jobs"]:
        assert r["speedup"] == pytest.approx(r["median_1"] / r["median_2"])
        assert "diagnosis_error" not in r
        assert len(r["bound"]["tasks"]) == 5
        assert 0 < r["bound"]["bound"] <= 2.0 + 1e-9
    assert [r["problem"] for r in data["profile"]] == ["dense-wide", "sparse-wide"]
    for r in data["profile"]:
        assert r["ours_calls"] == 10 and len(r["chunks"]) == 10
    ridge = data["ridge"]
    assert [r["problem"] for r in ridge] == ["dense-tall", "dense-mid", "sparse-tall"]
    for r in ridge:
        assert r["same_alpha"], r
        assert r["score_rel_diff"] < 1e-8
        assert r["ours_peak_mb"] > 0 and r["sk_peak_mb"] > 0
    assert [r["problem"] for r in data["scaling"]] == ["dense-tall", "sparse-tall"]
    for r in data["scaling"]:
        assert len(r["points"]) == 3
