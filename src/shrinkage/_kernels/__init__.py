"""Compiled kernels (Cython): the coordinate-descent and proximal-Newton
solvers and the design-matrix column operations they share."""

from __future__ import annotations


def set_simd(enabled: bool | None = None) -> bool:
    """Allow or forbid the AVX2 column kernels (see ``_design.pxd``).

    They are on by default wherever the CPU and OS support AVX2 and FMA; the
    portable code runs otherwise. Both give the same solutions up to
    rounding; the switch exists so that tests and benchmarks can run the
    portable code on any machine. ``enabled=None`` only reports the state.

    Returns
    -------
    bool
        Whether the AVX2 kernels run now (False where the CPU lacks them).
    """
    from . import _enet, _prox_newton

    flag = None if enabled is None else bool(enabled)
    on = _enet.set_simd(flag)
    return bool(_prox_newton.set_simd(flag)) and on
