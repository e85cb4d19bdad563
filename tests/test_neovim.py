"""`flowc lsp` in Neovim's built-in client, headless: the client a user of
Neovim has, with its own ideas of words, diagnostics and edits.

`tests/nvim/session.lua` opens a flow, attaches `flowc lsp` to its buffer and
does what a user's keys do (omnifunc completion, hover, go to definition, a
quick fix chosen from the list, rename); this test judges what Neovim made of
the answers. Neovim is installed by `scripts/system-deps.sh` (Debian's
`neovim`); on CI a missing `nvim` fails the test rather than skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")
SESSION = Path(__file__).parent / "nvim" / "session.lua"

MAIN = textwrap.dedent(
    """\
    flow main

    step start:
        gather digits 1 -> handle:
            say "Press 1."
        redirect -> billing.st # completed here

    step handle:
        record maxLength 20 -> start
    """
)
BILLING = "flow billing\n\nstep start:\n    hangup\n"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    if NVIM is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is missing: scripts/system-deps.sh installs Debian's neovim")
        pytest.skip("nvim is not installed (scripts/system-deps.sh installs Debian's neovim)")
    root = tmp_path_factory.mktemp("nvim")
    (root / "main.flow").write_text(MAIN, encoding="utf-8")
    (root / "billing.flow").write_text(BILLING, encoding="utf-8")
    env = {**os.environ, "FLOWC_ROOT": str(root), "FLOWC_PYTHON": sys.executable, "HOME": str(root)}
    done = subprocess.run(
        [NVIM, "--headless", "--clean", "-c", f"luafile {SESSION}"],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=600,  # a guard against a hung editor, not a measurement
    )
    out = root / "out.json"
    assert out.exists(), done.stderr.decode(errors="replace") + done.stdout.decode(errors="replace")
    return json.loads(out.read_text(encoding="utf-8"))


def test_diagnostics_arrive_at_their_place(session):
    ((line, col, end, message),) = session["diagnostics"]
    assert (line, col, end) == (8, 11, 23)
    assert message.startswith("`maxLength 20` is TwiML's spelling: the option is `max`")


def test_completion_after_a_flow_and_a_dot_inserts_the_reference_once(session):
    assert session["completion"]["words"] == ["billing.start"]
    assert session["completion"]["line"] == "    redirect -> billing.start # completed here"


def test_hover_on_a_step_reference(session):
    assert "Step `handle` of flow `main`" in session["hover"]


def test_definition_jumps_to_the_step_line(session):
    assert session["definition"] == [8, 5]  # 1-based line, 0-based column: on `handle`


def test_the_quick_fix_is_offered_and_applied(session):
    assert session["actions"] == ["Write `max 20s`"]
    assert session["fixed"] == "    record max 20s -> start"


def test_rename_changes_the_step_and_its_references(session):
    assert session["renamed"] == ["    gather digits 1 -> after:", "step after:"]
