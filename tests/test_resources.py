"""Resources: no leak, no copy of X, memory-mapped input, threads, the GIL.

* (a) a thousand repeated fits do not grow the resident set (a leaked
  buffer of n floats per fit would add megabytes);
* (b) F-ordered dense and canonical CSC input are not copied by
  Lasso/ElasticNet ``fit``: the peak of the memory traced by tracemalloc
  (NumPy reports its buffers to it) during a fit stays far below X.nbytes;
* (c) a read-only ``np.memmap`` works and gives the in-memory answer;
* (d) fits running concurrently in threads give bit-identical results to
  the same fits run one after the other;
* (e) the compiled solver releases the GIL: a pure-Python counter in
  another thread keeps counting while a fit runs, whereas it stalls while
  a C call that holds the GIL (``list.sort``) runs, the control that shows
  the measurement can tell the two apart.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from shrinkage import ElasticNet, Lasso, LogisticRegression

# --------------------------------------------------------------------------
# (a) no leak
# --------------------------------------------------------------------------


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _leak_cases():
    """name -> (one fit, number of fits, n_samples)."""
    rng = np.random.default_rng(0)
    n, p = 2000, 8
    X = np.asfortranarray(rng.standard_normal((n, p)))
    y = X[:, 0] * 3 + rng.standard_normal(n)
    S = sp.random(n, p, density=0.3, format="csc", random_state=0)
    y_s = np.asarray(S @ np.arange(p, dtype=float)).ravel() + rng.standard_normal(n)
    Xl = X[:1000, :4]
    yl = (Xl[:, 0] + rng.standard_normal(1000) > 0).astype(int)
    return {
        "lasso_dense": (lambda: Lasso(alpha=0.05).fit(X, y), 1000, n),
        "lasso_sparse": (lambda: Lasso(alpha=0.01).fit(S, y_s), 1000, n),
        # a logistic fit costs ~10 ms of Python (Newton steps): fewer fits
        "logistic": (lambda: LogisticRegression(alpha=0.05).fit(Xl, yl), 400, 1000),
    }


@pytest.mark.skipif(
    not os.path.exists("/proc/self/statm"), reason="needs Linux /proc/self/statm"
)
@pytest.mark.parametrize("case", ["lasso_dense", "lasso_sparse", "logistic"])
def test_repeated_fits_do_not_leak(case):
    fit, repeats, n = _leak_cases()[case]
    for _ in range(50):  # warm up allocator pools and caches
        fit()
    gc.collect()
    before = _rss_bytes()
    for _ in range(repeats):
        fit()
    gc.collect()
    growth = _rss_bytes() - before
    # a float64 vector of n_samples leaked per fit would add >= 3 MiB
    assert 8 * n * repeats > 3 * 2**20
    assert growth < 2 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB in {repeats} fits"


# --------------------------------------------------------------------------
# (b) no copy of X
# --------------------------------------------------------------------------


def _big_problem(kind: str):
    rng = np.random.default_rng(1)
    n, p = 1000, 400  # 3.2 MB of float64
    if kind == "csc":
        X = sp.random(n, p, density=0.5, format="csc", random_state=1)
        X.sum_duplicates()
        X.sort_indices()
        nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
        y = np.asarray(X[:, :5] @ np.ones(5)).ravel()
    else:
        dtype = np.float32 if kind == "dense_f32" else np.float64
        X = np.asfortranarray(rng.standard_normal((n, p)), dtype=dtype)
        nbytes = X.nbytes
        y = X[:, :5].astype(np.float64) @ np.ones(5)
    y = y + rng.standard_normal(n)
    return X, y, nbytes


@pytest.mark.parametrize("kind", ["dense_f64", "dense_f32", "csc"])
@pytest.mark.parametrize("estimator", [Lasso, ElasticNet])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_fit_does_not_copy_X(kind, estimator, fit_intercept, weighted):
    X, y, nbytes = _big_problem(kind)
    sw = np.linspace(0.5, 1.5, X.shape[0]) if weighted else None
    model = estimator(alpha=0.05, fit_intercept=fit_intercept, tol=1e-3)
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        model.fit(X, y, sample_weight=sw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    extra = peak - base
    assert np.any(model.coef_ != 0)
    # n- and p-sized work arrays only; a copy of X would be >= nbytes
    assert extra < nbytes / 4, f"peak {extra / 1e6:.2f} MB for X of {nbytes / 1e6} MB"


# --------------------------------------------------------------------------
# (c) memory-mapped input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["F", "C"])
def test_read_only_memmap(tmp_path, order):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 30))
    y = X[:, 0] - 2 * X[:, 3] + rng.standard_normal(200)
    path = tmp_path / "X.dat"
    mm = np.memmap(path, dtype=np.float64, mode="w+", shape=X.shape, order=order)
    mm[:] = X
    mm.flush()
    del mm
    ro = np.memmap(path, dtype=np.float64, mode="r", shape=X.shape, order=order)
    assert not ro.flags.writeable
    in_memory = np.array(X, order=order)
    for make in (
        lambda: Lasso(alpha=0.05, tol=1e-10),
        lambda: ElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-10),
    ):
        a, b = make().fit(ro, y), make().fit(in_memory, y)
        np.testing.assert_array_equal(a.coef_, b.coef_)
        assert a.intercept_ == b.intercept_ and a.n_iter_ == b.n_iter_
        np.testing.assert_array_equal(a.predict(ro), b.predict(in_memory))
    yc = (y > 0).astype(int)
    a = LogisticRegression(alpha=0.01).fit(ro, yc)
    b = LogisticRegression(alpha=0.01).fit(in_memory, yc)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)


# --------------------------------------------------------------------------
# (d) threads
# --------------------------------------------------------------------------


def _thread_tasks():
    tasks = []
    for seed in range(3):
        rng = np.random.default_rng(10 + seed)
        X = rng.standard_normal((150, 60))
        y = X[:, :4] @ np.array([2.0, -1.0, 0.5, 1.5]) + rng.standard_normal(150)
        S = sp.csc_matrix(np.where(rng.uniform(size=X.shape) < 0.6, 0.0, X))
        sw = rng.uniform(0.5, 2.0, size=150)
        yc = (y > np.median(y)).astype(int)
        tasks += [
            (lambda X=X, y=y: Lasso(alpha=0.02, tol=1e-8).fit(X, y)),
            (lambda S=S, y=y, sw=sw: ElasticNet(alpha=0.02, tol=1e-8).fit(S, y, sw)),
            (lambda X=X, y=y: Lasso(alpha=0.02, tol=1e-5).fit(X.astype(np.float32), y)),
            (lambda X=X, yc=yc: LogisticRegression(alpha=0.01).fit(X, yc)),
        ]
    return tasks


def _summary(model):
    return (
        np.array(model.coef_, copy=True),
        np.array(model.intercept_, copy=True),
        model.n_iter_,
        model.dual_gap_,
    )


def test_concurrent_fits_match_serial_fits():
    tasks = _thread_tasks()
    serial = [_summary(task()) for task in tasks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        # every task twice, interleaved, so that equal fits overlap too
        futures = [pool.submit(task) for task in tasks + tasks]
        concurrent = [_summary(f.result()) for f in futures]
    for k, got in enumerate(concurrent):
        want = serial[k % len(tasks)]
        np.testing.assert_array_equal(got[0], want[0], err_msg=f"task {k}")
        np.testing.assert_array_equal(got[1], want[1], err_msg=f"task {k}")
        assert got[2:] == want[2:], f"task {k}"


# --------------------------------------------------------------------------
# (e) the GIL is released
# --------------------------------------------------------------------------


class _Counter:
    """A thread counting in pure Python: it needs the GIL to make progress.

    It records the longest interval between two of its increments, so a
    stall (the GIL held elsewhere) shows up whatever the machine's load.
    """

    def __init__(self):
        self.count = 0
        self.longest_gap = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        clock = time.perf_counter
        last = clock()
        while not self._stop.is_set():
            now = clock()
            if now - last > self.longest_gap:
                self.longest_gap = now - last
            last = now
            self.count += 1

    def __enter__(self):
        self._thread.start()
        time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def measure(self, fn) -> tuple[float, float, float]:
        """(increments per second, longest stall, duration) while fn() runs
        in the calling thread."""
        self.longest_gap = 0.0
        c0, t0 = self.count, time.perf_counter()
        fn()
        c1, t1 = self.count, time.perf_counter()
        return (c1 - c0) / (t1 - t0), self.longest_gap, t1 - t0


def _long_fit(target_seconds: float = 0.5):
    """A Lasso fit spending about ``target_seconds`` in the compiled solver:
    tol=0 never stops early, so max_iter sets the number of epochs; it is
    calibrated on this machine."""
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((2000, 300)))
    y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(2000)

    def fit(max_iter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            Lasso(alpha=0.002, tol=0.0, max_iter=max_iter).fit(X, y)

    t0 = time.perf_counter()
    fit(40)
    per_epoch = (time.perf_counter() - t0) / 40
    max_iter = int(np.clip(target_seconds / per_epoch, 40, 20_000))
    return lambda: fit(max_iter)


def _hold_gil(target_seconds: float = 0.5):
    """A C call that keeps the GIL all along: sorting floats (no bytecode
    runs, so the interpreter never offers the GIL to other threads)."""
    values = np.random.default_rng(4).standard_normal(100_000).tolist()
    t0 = time.perf_counter()
    sorted(values)
    per_sort = time.perf_counter() - t0
    big = values * int(np.clip(target_seconds / per_sort, 1, 200))
    return lambda: sorted(big)


@pytest.mark.skipif(
    sys.implementation.name != "cpython"
    or (hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled()),
    reason="CPython with a GIL only",
)
def test_fit_releases_the_gil():
    fit, hold = _long_fit(), _hold_gil()
    with _Counter() as counter:
        for _ in range(3):  # best of three: robust to a busy machine
            free, _, _ = counter.measure(lambda: time.sleep(0.2))
            rate, stall, seconds = counter.measure(fit)
            rate_c, stall_c, seconds_c = counter.measure(hold)
            report = (
                f"fit: {seconds:.2f} s, counter at {rate / free:.0%} of its free "
                f"speed, longest stall {stall:.3f} s; GIL-holding control: "
                f"{seconds_c:.2f} s, {rate_c / free:.0%}, stall {stall_c:.3f} s"
            )
            if stall < 0.4 * seconds and rate > 0.1 * free:
                break
    # The control shows what holding the GIL looks like: one stall as long
    # as the call. During the fit the counter keeps going (at half speed or
    # so when both threads share a core).
    assert stall_c > 0.7 * seconds_c, report
    assert stall < 0.4 * seconds, report
    assert rate > 0.1 * free, report
