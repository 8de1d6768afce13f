"""Hypothesis profiles for the property and fuzz tests.

* ``shrinkage`` (default): few examples per test, no deadline (the first
  call of a test pays for imports and the machine may be loaded), so the
  hypothesis-based files stay fast enough for every CI run.
* ``shrinkage-ci``: the same, derandomized (a fixed example sequence).
* ``shrinkage-long``: 20 times more examples, for a soak run, e.g.
  ``python -m pytest tests/test_properties.py tests/test_fuzz.py
  --hypothesis-profile=shrinkage-long``.

Tests do not hard-code ``max_examples``: they ask :func:`_helpers.examples`
for a share of the active profile's budget, so a profile scales them all.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

settings.register_profile("shrinkage", max_examples=100, **_COMMON)
settings.register_profile(
    "shrinkage-ci", max_examples=100, derandomize=True, database=None, **_COMMON
)
settings.register_profile("shrinkage-long", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "shrinkage"))
