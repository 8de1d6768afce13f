"""Smoke test of benchmarks/bench_cv.py on its tiny problems (hidden --tiny)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _helpers import bench_modules

pytest.importorskip("threadpoolctl")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench_cv")
    with bench_modules("bench_cv") as (bench_cv,):
        assert (
            bench_cv.main(["--tiny", "--reference-tol", "1e-8", "--out", str(out)]) == 0
        )
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
        "### Distance to the exact CV curve",
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
    for r in rows:
        # the tight reference: our tol=1e-4 curve is close to it, and the
        # choices are placed on its grid
        assert r["ref_tol"] == 1e-8 and r["ours_vs_ref"] < 0.2
        assert 0 <= r["ref_index"] < 10 and r["ref_margin"] >= 0
        assert r["ours_near_ref"] <= r["ours_vs_ref"]
    refs = [
        line
        for line in (tiny_run / "cv_tiny.md").read_text().splitlines()
        if line.startswith("| dense-wide | LassoCV | 1e-08 |")
    ]
    assert len(refs) == 1 and refs[0].count("|") == 13


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


def test_choice_against_reference():
    with bench_modules("bench_cv") as (bench_cv,):
        choice = bench_cv.choice_against_reference
    ref = np.array([5.0, 4.0, 3.0, 3.03, 3.3, 4.0])
    # ours: small errors, same argmin; sklearn: an error near the minimum
    # larger than the margin moves its choice one step.
    ours = ref * (1 + 1e-3)
    sk = ref.copy()
    sk[3] = 2.99
    out = choice(ours, sk, ref, window=1)
    assert out["ref_index"] == 2
    assert out["ref_margin"] == pytest.approx(0.01)
    assert out["ours_steps_from_ref"] == 0
    assert out["sk_steps_from_ref"] == 1
    assert out["ours_near_ref"] == pytest.approx(1e-3)
    # window 1 around index 2: indices 1..3; sklearn's worst is at 3
    assert out["sk_near_ref"] == pytest.approx(abs(2.99 / 3.03 - 1))
    # ElasticNetCV curves, (n_l1_ratio, n_alphas): a choice on another row
    ref2 = np.vstack([ref + 1.0, ref])
    sk2 = ref2.copy()
    sk2[0, 2] = 2.0
    out2 = choice(ref2, sk2, ref2, window=1)
    assert out2["ref_index"] == 2
    assert out2["ours_steps_from_ref"] == 0
    assert out2["sk_steps_from_ref"] is None


def test_two_worker_bound_in_gram_mode():
    """Gram-mode fold tasks run in turn: no two-worker bound is claimed."""
    with bench_modules("bench_cv") as (script,):
        diag = {"wall": 1.0, "rows": [], "paths": [0.1] * 5, "refit": 0.0}
        direct = script.two_worker_bound(diag)
        gram = script.two_worker_bound({**diag, "gram": True})
    assert direct["makespan_2"] == pytest.approx(0.3)
    assert direct["bound"] == pytest.approx(1.0 / (0.5 + 0.3))
    assert gram["makespan_2"] == pytest.approx(0.5) and gram["bound"] is None
