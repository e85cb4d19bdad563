"""Install flowc as a user does (a fresh venv, a regular non-editable install)
and run the installed command from outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        check=True,
        capture_output=True,
        cwd=env_dir,
    )
    return env_dir / "bin"


def test_wheel_ships_the_grammar_and_flowc_builds_the_examples(installed, tmp_path):
    out = tmp_path / "dist"
    result = subprocess.run(
        [
            str(installed / "flowc"),
            "build",
            *sorted(str(p) for p in (ROOT / "flows").glob("*.flow")),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the source tree: the grammar must come from the install
    )
    assert result.returncode == 0, result.stderr
    assert (out / "voicemail" / "start.xml").read_bytes().startswith(b'<?xml version="1.0"')
    found = subprocess.run(
        [str(installed / "python"), "-c", "import flowc.syntax as p; print(p.grammar_path())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()
    assert "site-packages" in found and found.endswith(os.path.join("flowc", "grammar", "flow.lark"))


def test_installed_flowc_reports_errors_with_exit_1(installed, tmp_path):
    flow = tmp_path / "bad.flow"
    flow.write_text("step a:\n    redirect -> nowhere\n", encoding="utf-8")
    result = subprocess.run([str(installed / "flowc"), "check", str(flow)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "error[FL104]" in result.stderr
    assert "Traceback" not in result.stderr


def test_installed_version_matches_the_source(installed):
    result = subprocess.run(
        [str(installed / "flowc"), "--version"], capture_output=True, text=True, check=True
    )
    sys.path.insert(0, str(ROOT))
    try:
        namespace: dict = {}
        exec((ROOT / "flowc" / "__init__.py").read_text(), namespace)
    finally:
        sys.path.pop(0)
    assert namespace["__version__"] in result.stdout
