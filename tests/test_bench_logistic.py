"""Smoke tests of the logistic benchmarks on tiny problems.

``benchmarks/bench_logistic.py`` and ``benchmarks/fashion_mnist.py`` are run
end to end with their hidden ``--tiny`` option (synthetic problems, or
scikit-learn's bundled digits for the multinomial script), and each installed
peer's convention mapping is checked by the objective it reaches (for skglm
this includes its numba compilation, 10 to 60 seconds).
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
from _helpers import BENCH_DIR, bench_modules

pytest.importorskip("threadpoolctl")
pytest.importorskip("matplotlib")

pytestmark = pytest.mark.skipif(
    not (BENCH_DIR / "bench_logistic.py").exists(), reason="benchmarks/ not present"
)


@pytest.fixture(scope="module")
def bench():
    """The two scripts as modules."""
    with bench_modules("bench_logistic", "fashion_mnist") as modules:
        yield modules


def test_objective_and_alpha_max(bench):
    import shrinkage

    bl, _ = bench
    problem = bl.tiny_problems()[1]  # sparse
    X, y = problem.X, problem.y
    w = np.linspace(-1, 1, X.shape[1])
    z = X @ w + 0.3
    expected = np.mean(np.log1p(np.exp(-y * z))) + 0.1 * 0.5 * np.abs(w).sum()
    expected += 0.1 * 0.25 * (w @ w)
    assert bl.logistic_objective(X, y, w, 0.3, 0.1, 0.5) == pytest.approx(expected)
    for fit_intercept in (False, True):
        amax = bl.alpha_max(X, y, 1.0, fit_intercept)
        nnz = [
            np.count_nonzero(
                shrinkage.LogisticRegression(
                    alpha=f * amax, fit_intercept=fit_intercept, tol=1e-8
                )
                .fit(X, y)
                .coef_
            )
            for f in (1.001, 0.99)
        ]
        assert nnz[0] == 0 and nnz[1] > 0


def test_run_timed_timeout_and_error(bench):
    import time

    bl, _ = bench
    times, out = bl.run_timed(lambda: 42, repeat=3)
    assert out == 42 and len(times) == 3
    with pytest.raises(bl.RunTimeout):
        bl.run_timed(lambda: time.sleep(5), timeout=0.3)
    with pytest.raises(bl.RunError, match="ZeroDivisionError"):
        bl.run_timed(lambda: 1 / 0)


PEERS = {"liblinear": "sklearn", "saga": "sklearn", "celer": "celer", "skglm": "skglm"}


@pytest.mark.parametrize("peer", list(PEERS))
def test_peer_convention_reaches_our_objective(bench, peer):
    bl, _ = bench
    pytest.importorskip(PEERS[peer])
    solver = bl.SOLVER_CLASSES[peer]()
    if peer == "saga":
        solver.check_setting = 5000  # epochs (tol = 0); the report uses 20000
    dense, sparse = bl.tiny_problems()
    bl.warm_up([solver], {"l1-10": bl.TASKS["l1-10"]})  # JIT outside the timeout
    checked = 0
    for problem, tnames in (
        (dense, ("l1-10", "enet-100", "l1-100-icpt")),
        (sparse, ("l1-10",)),
    ):
        tasks = {t: bl.TASKS[t] for t in tnames}
        out = bl.convention_check([solver], tasks, problems=[problem])
        for (_, _, tname), value in out.items():
            if isinstance(value, str):
                assert value.startswith("skip"), (tname, value)
                continue
            assert abs(value) < 1e-6, (problem.name, tname, value)
            checked += 1
    assert checked >= 2


def test_bench_logistic_main_tiny(bench, tmp_path):
    bl, _ = bench
    absent = tmp_path / "no-data"
    status = bl.main(
        [
            "--tiny",
            "--problems",
            "tiny-sparse,leukemia",
            "--tasks",
            "l1-10,enet-100",
            "--solvers",
            "shrinkage,liblinear",
            "--no-check",
            "--timeout",
            "20",
            "--data-dir",
            str(absent),
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    text = (tmp_path / "logistic_tiny.md").read_text()
    for eps in ("0.0001", "1e-06"):
        assert f"## Time to relative suboptimality {eps}" in text
    for pname in ("tiny-sparse",):
        row = next(
            line
            for line in text.splitlines()
            if line.startswith(f"| {pname} | l1-10 |")
        )
        assert "—" not in row.split("|")[3], row  # ours reached the target
        enet = next(
            line
            for line in text.splitlines()
            if line.startswith(f"| {pname} | enet-100 |")
        )
        assert "skip (no elastic net)" in enet
    assert "leukemia (" in text and "not found" in text  # skipped cleanly
    assert "Issue targets on the L1 rows" in text
    data = json.loads((tmp_path / "logistic_tiny.json").read_text())
    assert "tiny-sparse|l1-10|liblinear" in data["results"]
    assert data["results"]["tiny-sparse|l1-10|pstar"]["pstar"] > 0
    assert (tmp_path / "logistic_tiny.png").stat().st_size > 0


def test_bench_logistic_ladder_steps(bench, tmp_path):
    bl, _ = bench
    argv = [
        "--tiny",
        "--problems",
        "tiny-dense",
        "--tasks",
        "l1-10",
        "--solvers",
        "shrinkage,liblinear",
        "--no-check",
        "--ladder-steps",
        "2",
        "--timeout",
        "20",
        "--out",
        str(tmp_path),
    ]
    assert bl.main(argv) == 0
    assert "2 per decade" in (tmp_path / "logistic_tiny.md").read_text()
    data = json.loads((tmp_path / "logistic_tiny.json").read_text())
    for solver in ("shrinkage", "liblinear"):
        tols = [
            r["setting"] for r in data["results"][f"tiny-dense|l1-10|{solver}"]["rungs"]
        ]
        np.testing.assert_allclose(tols, bl.tol_ladder(2)[: len(tols)])
    with pytest.raises(SystemExit):
        bl.main([*argv[:9], "0", *argv[10:]])


def test_read_idx_labels(bench, tmp_path):
    _, fm = bench
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as fh:
        fh.write((2049).to_bytes(4, "big") + (5).to_bytes(4, "big") + labels.tobytes())
    np.testing.assert_array_equal(fm.read_idx_labels(path), labels)


def test_fashion_mnist_main_tiny(bench, tmp_path):
    import shrinkage

    _, fm = bench
    status = fm.main(
        [
            "--tiny",
            "--fractions",
            "0.5,0.2",
            "--targets",
            "1e-3",
            "--out",
            str(tmp_path),
            "--timeout",
            "20",
        ]
    )
    assert status == 0
    text = (tmp_path / "fashion_mnist_tiny.md").read_text()
    assert "load_digits" in text  # --tiny uses the bundled digits
    path_rows = [
        line for line in text.splitlines() if line.startswith("| 0.") and "%" in line
    ]
    assert len(path_rows) == 2
    for solver in ("shrinkage", "saga"):
        assert any(line.startswith(f"| {solver} |") for line in text.splitlines())
    assert (tmp_path / "fashion_mnist_tiny_coefs.png").stat().st_size > 0
    data = json.loads((tmp_path / "fashion_mnist_tiny.json").read_text())
    assert [r["alpha"] for r in data["path"]] == sorted(
        (r["alpha"] for r in data["path"]), reverse=True
    )
    assert all(r["dual_gap"] >= -1e-12 for r in data["path"])
    # alpha_max of the multinomial model: W = 0 just above it, not below.
    d = fm.get_data("/nonexistent", 300, 50, 0, force_digits=True)
    amax = fm.multinomial_alpha_max(d.X_train, d.y_train, 10)
    for factor, zero in ((1.001, True), (0.95, False)):
        model = shrinkage.LogisticRegression(alpha=factor * amax, tol=1e-8)
        model.fit(d.X_train, d.y_train)
        assert (np.count_nonzero(model.coef_) == 0) == zero
