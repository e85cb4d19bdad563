""".pre-commit-hooks.yaml: the hooks pre-commit users add, read by pre-commit's
own manifest loader, and that their entries run real flowc commands.

pre-commit and the flowc command are installed by `make test` (the test extra
and the package itself): a missing one fails these tests, it does not skip
them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest

from flowc.cli import cli

ROOT = Path(__file__).parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
FLOWC = Path(sys.executable).parent / "flowc"

GOOD = 'step start:\n    say "Hello"\n    hangup\n'
BAD = 'step start:\n    sya "Hello"\n'


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict]:
    # pre-commit validates the file and fills in its defaults (args,
    # pass_filenames...), or raises InvalidManifestError.
    return {hook["id"]: hook for hook in load_manifest(str(HOOKS))}


def test_the_two_hooks_are_offered(hooks):
    assert sorted(hooks) == ["flowc-check", "flowc-fmt"]
    assert hooks["flowc-check"]["entry"] == "flowc check"
    assert hooks["flowc-fmt"]["entry"] == "flowc fmt --check"


@pytest.mark.parametrize("hook_id", ["flowc-check", "flowc-fmt"])
def test_hook_has_what_pre_commit_requires(hooks, hook_id):
    hook = hooks[hook_id]
    for key in ("id", "name", "entry", "language"):
        assert isinstance(hook.get(key), str) and hook[key], key
    # `language: python` installs this repository as a package: its console
    # script must be the entry's program.
    assert hook["language"] == "python"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert shlex.split(hook["entry"])[0] in scripts
    files = re.compile(hook["files"])
    assert files.search("flows/voicemail.flow")
    assert not files.search("flows/voicemail.flow.bak")
    assert not files.search("README.md")


@pytest.mark.parametrize("hook_id", ["flowc-check", "flowc-fmt"])
def test_hook_entry_is_a_flowc_command(hooks, hook_id):
    _, command, *options = shlex.split(hooks[hook_id]["entry"])
    assert command in cli.commands, f"the hook runs `flowc {command}`, which flowc does not have"
    params = {opt for p in cli.commands[command].params for opt in getattr(p, "opts", ())}
    assert set(options) <= params


def run_hook(hooks, hook_id: str, *files: Path) -> subprocess.CompletedProcess:
    """Run the hook as pre-commit does: the entry, its args, then the staged file names."""
    # The console script pre-commit would run; the test extra installs it
    # (`make test` installs the package into the venv first).
    assert FLOWC.is_file(), f"the flowc command is not installed next to {sys.executable}"
    hook = hooks[hook_id]
    assert hook["pass_filenames"]
    _, *args = shlex.split(hook["entry"])
    return subprocess.run(
        [str(FLOWC), *args, *hook["args"], *map(str, files)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_hook_passes_good_files_and_fails_bad_ones(hooks, tmp_path):
    good = tmp_path / "good.flow"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.flow"
    bad.write_text(BAD, encoding="utf-8")
    ok = run_hook(hooks, "flowc-check", good)
    assert ok.returncode == 0, ok.stderr
    failed = run_hook(hooks, "flowc-check", good, bad)
    assert failed.returncode == 1
    assert "bad.flow:2:5: error[FL001]" in failed.stderr


def test_fmt_hook_passes_formatted_files_and_fails_others(hooks, tmp_path):
    good = tmp_path / "good.flow"
    good.write_text(GOOD, encoding="utf-8")
    ugly = tmp_path / "ugly.flow"
    ugly.write_text('step   start:\n      say   "Hello"\n      hangup\n', encoding="utf-8")
    ok = run_hook(hooks, "flowc-fmt", good)
    assert ok.returncode == 0, ok.stderr
    failed = run_hook(hooks, "flowc-fmt", good, ugly)
    assert failed.returncode == 1
    assert "ugly.flow" in failed.stdout + failed.stderr
    assert ugly.read_text(encoding="utf-8").startswith("step   start:")  # --check changes nothing
