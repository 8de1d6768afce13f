"""The build installs every module of the source tree.

meson lists the files to install by name; a module missing from that list
imports from the checkout but not from the installed package (the README's
install), where every test that reaches it would fail."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "shrinkage"
needs_source = pytest.mark.skipif(
    not SRC.is_dir(), reason="no source tree beside the tests"
)


@needs_source
@pytest.mark.parametrize("folder", [SRC, SRC / "_kernels"], ids=["package", "kernels"])
def test_meson_lists_every_source_file(folder):
    listed = set(
        re.findall(r"'([^']+\.(?:py|pxd|pyx))'", (folder / "meson.build").read_text())
    )
    present = {p.name for ext in ("py", "pxd", "pyx") for p in folder.glob(f"*.{ext}")}
    missing = sorted(present - listed)
    assert not missing, f"not in {folder / 'meson.build'}: {missing}"


@needs_source
def test_installed_package_imports_every_module():
    # run against the installed package (as CI does), a module left out of
    # the build fails here by name
    for path in sorted(SRC.glob("_*.py")) + sorted(SRC.glob("[a-z]*.py")):
        if path.stem not in ("__init__", "__main__"):
            importlib.import_module(f"shrinkage.{path.stem}")
