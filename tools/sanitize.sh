#!/usr/bin/env bash
# Build the compiled kernel with AddressSanitizer + UndefinedBehaviorSanitizer
# and run (part of) the test suite against that build.
#
#   tools/sanitize.sh                      # build, then the default test subset
#   tools/sanitize.sh tests/test_path.py   # build, then these pytest arguments
#   SKIP_BUILD=1 tools/sanitize.sh ...     # reuse the existing .venv-asan
#
# The package is installed (not editable) into a separate virtual environment,
# .venv-asan (override with VENV=...), with meson's built-in sanitizer option;
# b_lundef=false because a Python extension leaves the interpreter's symbols
# undefined at link time. CPython itself is not instrumented, so the ASan
# runtime is preloaded, leak detection is off (the interpreter's own
# allocations would be reported) and Python's allocator is switched to malloc
# so ASan sees every buffer. Any sanitizer report makes the run fail, and is
# printed at the end of the run (from a file: pytest may have captured it).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv-asan}
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac
PYTHON=${PYTHON:-python3}
DEFAULT_TESTS=(
    tests/test_validation.py
    tests/test_coordinate_descent.py
    tests/test_design.py
    tests/test_face.py
    tests/test_path.py
    tests/test_cv.py
    tests/test_logistic.py
    tests/test_prox_newton.py
    tests/test_edge_cases.py
    tests/test_properties.py
    tests/test_fuzz.py
)

libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
for lib in "$libasan" "$libubsan"; do
    if [[ ! -e "$lib" ]]; then
        echo "sanitize.sh: $lib not found (needs gcc with ASan/UBSan)" >&2
        exit 2
    fi
done

if [[ -z "${SKIP_BUILD:-}" ]]; then
    "$PYTHON" -m venv --clear "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # The build runs in pip's isolated environment (meson-python, Cython,
    # numpy>=2, scipy from pyproject.toml); the test extra brings pytest,
    # hypothesis and the runtime dependencies.
    "$VENV/bin/python" -m pip install --quiet --no-cache-dir \
        -Csetup-args=-Db_sanitize=address,undefined \
        -Csetup-args=-Db_lundef=false \
        -Csetup-args=-Dbuildtype=debugoptimized \
        ".[test]"
fi

# Sanitizer reports go to files there as well as to stderr: pytest captures
# a test's stderr, and an abort in the middle of a test would lose the
# report with it. (Made before the runtimes are preloaded: LeakSanitizer
# would fail mktemp itself.)
reports=$(mktemp -d)

# From here on every Python process runs with the sanitizer runtimes.
export LD_PRELOAD="$libasan:$libubsan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:log_path=$reports/asan:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan:${UBSAN_OPTIONS:-}"
export PYTHONMALLOC=malloc

# Import the instrumented build, never the source tree.
installed=$(cd /tmp && "$VENV/bin/python" -c \
    "import shrinkage._kernels._enet as m; print(m.__file__)")
case "$installed" in
    "$VENV"/*) echo "sanitize.sh: testing $installed" ;;
    *) echo "sanitize.sh: wrong module imported: $installed" >&2; exit 2 ;;
esac
# (nm's output is captured first: with pipefail, grep -q closing the pipe at
# its first match can kill nm with SIGPIPE and fail the check at random)
symbols=$(env -u LD_PRELOAD nm -D "$installed")
if ! grep -q __asan_ <<<"$symbols"; then
    echo "sanitize.sh: $installed is not instrumented" >&2
    exit 2
fi

if [[ $# -eq 0 ]]; then
    set -- "${DEFAULT_TESTS[@]}"
fi

# -p no:cacheprovider: the run must not write into the source tree's caches
status=0
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" || status=$?
for report in "$reports"/*; do
    [[ -e "$report" ]] || continue
    echo "sanitize.sh: sanitizer report $report:" >&2
    cat "$report" >&2
    if [[ $status -eq 0 ]]; then status=1; fi
done
rm -rf "$reports"
exit "$status"
