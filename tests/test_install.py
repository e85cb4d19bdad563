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


def test_wheel_ships_the_templates_and_assets_of_the_targets(installed):
    """The site's and the flask target's templates, CSS and JS are package files."""
    found = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            (
                "import os, flowc.backends as b; d = os.path.dirname(b.__file__); "
                "print('\\n'.join(sorted(os.path.relpath(os.path.join(r, f), d) "
                "for r, _, fs in os.walk(d) for f in fs if not f.endswith('.pyc'))))"
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    source = ROOT / "flowc" / "backends"
    expected = sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts
    )
    assert [p for p in expected if p.startswith("site_templates/")], expected
    assert {"site_templates/site.css", "site_templates/site.js"} <= set(found)
    assert found == expected


def test_the_makefile_reinstalls_when_any_package_file_changes():
    """`make` reinstalls the non-editable package when a file under flowc/ or grammar/
    changes: the install rule's `find` must name every kind of file shipped."""
    import fnmatch
    import re

    makefile = (ROOT / "Makefile").read_text().splitlines()
    rule = next(line for line in makefile if line.startswith("$(VENV)/.installed:"))
    patterns = re.findall(r"-name '([^']+)'", rule)
    shipped = {
        p.name
        for folder in ("flowc", "grammar")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped
    unwatched = sorted(n for n in shipped if not any(fnmatch.fnmatch(n, pat) for pat in patterns))
    assert unwatched == []
