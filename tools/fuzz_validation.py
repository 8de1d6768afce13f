#!/usr/bin/env python
"""Coverage-guided fuzzing of the validation boundary with atheris (libFuzzer).

The long-running companion of tests/test_fuzz.py. Each input (raw bytes) is
decoded into one call: an estimator's ``fit``/``predict`` or a path
function, with X, y and sample_weight built from the bytes: dense arrays of
any dtype and 0-3 dimensions (the bytes reinterpreted, so NaN, inf,
subnormals and huge values all occur), or sparse matrices whose ``data``,
``indices``, ``indptr`` (``row``/``col`` for COO) are set straight from the
bytes, bypassing scipy's checks. The contract: the call returns (with
finite coefficients) or raises ValueError/TypeError. Any other exception is
reported by atheris as a crash, with the input saved to ``crash-<sha1>``;
a segfault or abort of the process is caught by libFuzzer itself.

Install (atheris is not a dependency of the package)::

    pip install atheris            # or: pip install -e ".[fuzz]"

Run for five minutes, keeping the corpus between runs::

    mkdir -p .fuzz-corpus
    python tools/fuzz_validation.py .fuzz-corpus -max_total_time=300 \\
        -rss_limit_mb=4096 -timeout=60

Replay one saved input (e.g. a crash)::

    python tools/fuzz_validation.py crash-<sha1>

Only the package's Python code is instrumented for coverage; the compiled
kernel runs as built (see tools/sanitize.sh for an ASan/UBSan build, which
this harness can run under too).
"""

from __future__ import annotations

import sys
import warnings

import atheris

with atheris.instrument_imports(include=["shrinkage"]):
    import numpy as np
    import scipy.sparse as sp

    import shrinkage

ALLOWED = (ValueError, TypeError)

DTYPES = [
    np.float64,
    np.float32,
    np.float16,
    ">f8",
    np.int64,
    np.int32,
    np.int8,
    np.uint8,
    np.uint64,
    np.bool_,
    np.complex128,
    "datetime64[s]",
    "timedelta64[ms]",
    "U2",
    object,
]
INDEX_DTYPES = [np.int32, np.int64, np.int16, np.uint32, np.uint64, np.int8]
MAX_SIDE = 8


def _estimators():
    return [
        lambda: shrinkage.Lasso(alpha=0.1, max_iter=30),
        lambda: shrinkage.ElasticNet(alpha=0.1, l1_ratio=0.5, max_iter=30),
        lambda: shrinkage.Lasso(alpha=0.1, max_iter=30, positive=True),
        lambda: shrinkage.Lasso(alpha=0.1, max_iter=30, precompute=True),
        lambda: shrinkage.Ridge(alpha=1.0),
        lambda: shrinkage.Ridge(alpha=1.0, solver="lsqr", max_iter=30),
        lambda: shrinkage.Ridge(alpha=1.0, solver="sparse_cg", max_iter=30),
        lambda: shrinkage.LogisticRegression(alpha=0.1, max_iter=3, max_epochs=30),
        lambda: shrinkage.LassoCV(n_alphas=3, cv=2, max_iter=30),
        lambda: shrinkage.ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=3, cv=2),
        lambda: shrinkage.RidgeCV(alphas=(0.1, 1.0)),
        lambda: shrinkage.RidgeCV(alphas=(0.1, 1.0), cv=2),
        lambda: shrinkage.LogisticRegressionCV(
            alphas=3, cv=2, max_iter=3, max_epochs=30
        ),
    ]


ESTIMATORS = _estimators()

PATHS = [
    lambda X, y, sw: shrinkage.lasso_path(
        X, y, n_alphas=3, max_iter=30, sample_weight=sw
    ),
    lambda X, y, sw: shrinkage.enet_path(
        X, y, l1_ratio=0.5, n_alphas=3, max_iter=30, sample_weight=sw
    ),
    lambda X, y, sw: shrinkage.ridge_path(X, y, [1.0, 0.1], sample_weight=sw),
    lambda X, y, sw: shrinkage.logistic_path(
        X, y, alphas=3, max_iter=3, max_epochs=30, sample_weight=sw
    ),
    lambda X, y, sw: shrinkage.alpha_max(X, y, sample_weight=sw),
]


def _array(fdp: atheris.FuzzedDataProvider, shape=None):
    """An array of a fuzzed dtype and shape, its bytes taken from the input."""
    dtype = np.dtype(DTYPES[fdp.ConsumeIntInRange(0, len(DTYPES) - 1)])
    if shape is None:
        ndim = fdp.ConsumeIntInRange(0, 3)
        shape = tuple(fdp.ConsumeIntInRange(0, MAX_SIDE) for _ in range(ndim))
    size = int(np.prod(shape, dtype=np.int64))
    if dtype.kind == "O":
        values = [
            fdp.PickValueInList(
                [
                    fdp.ConsumeInt(16),  # a 128-bit int: fits a float64
                    10**400,  # does overflow float64
                    fdp.ConsumeRegularFloat(),
                    float("nan"),
                    None,
                    "x",
                    "1.5",
                    1j,
                    True,
                ]
            )
            for _ in range(size)
        ]
        out = np.empty(size, dtype=object)
        out[:] = values
        return out.reshape(shape)
    if dtype.kind == "U":
        return np.array(
            [fdp.ConsumeUnicodeNoSurrogates(2) for _ in range(size)], dtype=dtype
        ).reshape(shape)
    raw = fdp.ConsumeBytes(size * dtype.itemsize)
    raw = raw + bytes(size * dtype.itemsize - len(raw))
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _index_array(fdp: atheris.FuzzedDataProvider, length: int, upper: int):
    dtype = INDEX_DTYPES[fdp.ConsumeIntInRange(0, len(INDEX_DTYPES) - 1)]
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -3), min(info.max, upper + 3)
    if fdp.ConsumeBool():  # occasionally any value of the dtype
        lo, hi = max(info.min, -(2**62)), min(info.max, 2**62)
    return np.array([fdp.ConsumeIntInRange(lo, hi) for _ in range(length)], dtype=dtype)


def _sparse(fdp: atheris.FuzzedDataProvider):
    """A sparse matrix whose structure arrays come straight from the input."""
    n = fdp.ConsumeIntInRange(0, MAX_SIDE)
    p = fdp.ConsumeIntInRange(0, MAX_SIDE)
    fmt = fdp.PickValueInList(["csr", "csc", "coo", "csr_array", "csc_array"])
    stored = fdp.ConsumeIntInRange(0, 2 * MAX_SIDE)
    builders = {
        "csr": sp.csr_matrix,
        "csc": sp.csc_matrix,
        "coo": sp.coo_matrix,
        "csr_array": sp.csr_array,
        "csc_array": sp.csc_array,
    }
    S = builders[fmt]((n, p))
    if fdp.ConsumeBool():
        S.data = _array(fdp, shape=(max(stored + fdp.ConsumeIntInRange(-1, 1), 0),))
    else:
        S.data = np.array([fdp.ConsumeRegularFloat() for _ in range(max(stored, 0))])
    if fmt == "coo":
        S.row = _index_array(fdp, stored, n)
        S.col = _index_array(fdp, max(stored + fdp.ConsumeIntInRange(-1, 1), 0), p)
    else:
        major = n if fmt.startswith("csr") else p
        minor = p if fmt.startswith("csr") else n
        if fdp.ConsumeBool():  # a plausible indptr: sorted cuts
            cuts = sorted(fdp.ConsumeIntInRange(0, stored) for _ in range(major - 1))
            indptr = np.array([0, *cuts, stored], dtype=np.int64)
            S.indptr = indptr.astype(
                INDEX_DTYPES[fdp.ConsumeIntInRange(0, len(INDEX_DTYPES) - 1)]
            )
        else:
            S.indptr = _index_array(
                fdp, major + 1 + fdp.ConsumeIntInRange(-1, 1), stored
            )
        S.indices = _index_array(fdp, stored, minor)
    return S


def _X(fdp: atheris.FuzzedDataProvider):
    kind = fdp.ConsumeIntInRange(0, 2)
    if kind == 0:
        return _sparse(fdp)
    if kind == 1:
        return _array(fdp)
    n, p = fdp.ConsumeIntInRange(1, MAX_SIDE), fdp.ConsumeIntInRange(1, MAX_SIDE)
    return np.array([[fdp.ConsumeRegularFloat() for _ in range(p)] for _ in range(n)])


def _y(fdp: atheris.FuzzedDataProvider, n: int):
    kind = fdp.ConsumeIntInRange(0, 2)
    if kind == 0:
        return _array(fdp)
    if kind == 1:  # labels
        return np.array([fdp.ConsumeIntInRange(0, 2) for _ in range(n)])
    return np.array([fdp.ConsumeRegularFloat() for _ in range(n)])


def _sample_weight(fdp: atheris.FuzzedDataProvider, n: int):
    kind = fdp.ConsumeIntInRange(0, 3)
    if kind == 0:
        return None
    if kind == 1:
        return _array(fdp)
    if kind == 2:
        return fdp.ConsumeRegularFloat()
    return np.abs(np.array([fdp.ConsumeRegularFloat() for _ in range(n)]))


def _check_finite(result) -> None:
    for attr in ("coef_", "intercept_"):
        if hasattr(result, attr):
            value = np.asarray(getattr(result, attr))
            if not np.all(np.isfinite(value)):
                raise RuntimeError(f"silently non-finite {attr}: {value}")


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, len(ESTIMATORS) + len(PATHS) - 1)
    X = _X(fdp)
    n = X.shape[0] if np.ndim(X) >= 1 else 1
    y = _y(fdp, n)
    sw = _sample_weight(fdp, n)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            if target < len(ESTIMATORS):
                est = ESTIMATORS[target]()
                if fdp.ConsumeBool():
                    # predict on fuzzed X with a model fitted on clean data
                    p = X.shape[1] if np.ndim(X) == 2 else 3
                    rng = np.random.default_rng(0)
                    est.fit(rng.standard_normal((12, max(p, 1))), np.arange(12) % 2)
                    est.predict(X)
                else:
                    _check_finite(est.fit(X, y, sample_weight=sw))
            else:
                out = PATHS[target - len(ESTIMATORS)](X, y, sw)
                for part in out if isinstance(out, tuple) else (out,):
                    if not np.all(np.isfinite(np.asarray(part, dtype=np.float64))):
                        raise RuntimeError(f"silently non-finite path output: {out}")
        except ALLOWED:
            pass
        except BaseException:
            # what to paste into a bug report
            print(f"target {target}\nX = {_describe(X)}\ny = {y!r}\nsw = {sw!r}")
            raise


def _describe(X) -> str:
    if not sp.issparse(X):
        return repr(X)
    parts = {
        k: getattr(X, k, None) for k in ("data", "indices", "indptr", "row", "col")
    }
    fields = ", ".join(f"{k}={v!r}" for k, v in parts.items() if v is not None)
    return f"{X.format} {X.shape}: {fields}"


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
