"""The suite runs the same way from the repository root (``pytest``) as from
``tests/`` (``make test``), against the installed package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import flowc

ROOT = Path(__file__).resolve().parent.parent
PYTEST = Path(sys.executable).parent / "pytest"


def collect(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTEST), "--collect-only", "-p", "no:cacheprovider", *args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pytest_from_the_repository_root_collects_every_test_module():
    assert PYTEST.exists(), f"pytest is not installed next to {sys.executable}"
    result = collect(ROOT, "-q")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "error" not in result.stdout.splitlines()[-1], result.stdout[-3000:]
    modules = {line.split("::", 1)[0] for line in result.stdout.splitlines() if "::" in line}
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "tests").rglob("test_*.py")
        if "node_modules" not in p.parts
    }
    assert modules == expected


def test_the_root_run_uses_the_installed_package_not_the_source_tree():
    result = collect(ROOT, "tests/test_invocation.py")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # The header line conftest.py adds (not shown with -q).
    header = re.search(r"^flowc \S+: (.+)$", result.stdout, re.MULTILINE)
    assert header is not None, result.stdout[:2000]
    assert Path(header.group(1)) == Path(flowc.__file__)
    assert not Path(header.group(1)).is_relative_to(ROOT / "flowc")
