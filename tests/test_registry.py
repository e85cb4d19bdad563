"""The code registry, the checks and the generated reference agree.

That every code fires, and where, is tested by test_codes_fire.py."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from flowc import codes
from flowc.checks import CHECKS
from flowc.cli import cli
from flowc.docgen import diagnostics_markdown

ROOT = Path(__file__).resolve().parent.parent
COMPILER = ROOT / "flowc"


def test_docs_diagnostics_md_is_up_to_date():
    committed = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert committed == diagnostics_markdown(), (
        "docs/diagnostics.md is stale: run `python -m flowc.docgen > docs/diagnostics.md`"
    )


def test_ids_and_names_are_unique_and_well_formed():
    ids = [c.id for c in codes._CODES]  # the table itself: REGISTRY would hide an id written twice
    names = [c.name for c in codes._CODES]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"FL\d{3}", i) for i in ids)
    assert all(re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", n) for n in names)


def test_every_check_declares_registered_codes_and_documents_itself():
    for check in CHECKS:
        assert check.CODES, check.__name__
        assert all(code in codes.REGISTRY for code in check.CODES), check.__name__
        doc = check.__doc__ or ""
        assert "Bad" in doc and "Good" in doc, f"{check.__name__} docstring needs a bad and a good example"


def test_checks_report_only_their_declared_codes():
    for check in CHECKS:
        path = COMPILER / "checks" / (check.__name__.rsplit(".", 1)[-1] + ".py")
        reported = set(re.findall(r'"(FL\d{3})"', path.read_text(encoding="utf-8")))
        assert reported == set(check.CODES), check.__name__


def test_explain_by_id_and_by_name():
    runner = CliRunner()
    by_id = runner.invoke(cli, ["explain", "FL202"])
    by_name = runner.invoke(cli, ["explain", "action-loop"])
    assert by_id.exit_code == 0
    assert by_id.output == by_name.output
    assert "FL202 action-loop (warning)" in by_id.output
    assert "re-requests" in by_id.output or "again" in by_id.output


def test_explain_lists_every_code_and_refuses_unknown_ones():
    runner = CliRunner()
    listing = runner.invoke(cli, ["explain"])
    assert listing.exit_code == 0
    assert all(code in listing.output for code in codes.REGISTRY)
    unknown = runner.invoke(cli, ["explain", "FL999"])
    assert unknown.exit_code == 2
    assert "unknown code" in unknown.output
