"""The flowc command line: messages, formats, exit status, and what build writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowc.cli import cli
from flowc.output import MANIFEST

VOICEMAIL = """\
flow voicemail

step start:
    say "Leave a message."
    record max 20s -> handle

step handle:
    hangup
"""

WARNS = """\
step start:
    record max 20s
"""

BROKEN = """\
step start:
    record max 20s -> handel

step handle:
    hangup
"""


@pytest.fixture
def runner():
    return CliRunner()


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---- check ----------------------------------------------------------------------


def test_check_clean_exits_0_and_says_so(runner, tmp_path):
    result = runner.invoke(cli, ["check", write(tmp_path / "voicemail.flow", VOICEMAIL)])
    assert result.exit_code == 0
    assert "1 file checked: no problems" in result.stderr


def test_check_error_prints_location_source_line_and_caret(runner, tmp_path):
    path = write(tmp_path / "main.flow", BROKEN)
    result = runner.invoke(cli, ["check", path, "--color", "never"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}:2:20: error[FL104]: there is no step `handel` in flow `main`"
    assert lines[1] == " 2 |     record max 20s -> handel"
    assert lines[2] == "   |                    ^~~~~~~~~"
    assert "help: did you mean `handle`?" in result.stderr
    assert "1 error" in lines[-1]


def test_check_warnings_exit_0_and_werror_makes_them_errors(runner, tmp_path):
    path = write(tmp_path / "main.flow", WARNS)
    plain = runner.invoke(cli, ["check", path])
    assert plain.exit_code == 0
    assert "warning[FL202]" in plain.stderr
    strict = runner.invoke(cli, ["check", "--werror", path])
    assert strict.exit_code == 1
    assert "error[FL202]" in strict.stderr


def test_check_json_goes_to_stdout_with_every_field(runner, tmp_path):
    path = write(tmp_path / "main.flow", BROKEN)
    result = runner.invoke(cli, ["check", "--format", "json", path])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == ["FL104", "FL204"]  # handle is unreachable now
    assert data[:1] == [
        {
            "file": path,
            "line": 2,
            "column": 20,
            "end_line": 2,
            "end_column": 29,
            "severity": "error",
            "code": "FL104",
            "message": "there is no step `handel` in flow `main`",
            "hint": "did you mean `handle`?",
            # the suggestion, written over the step's name after `-> `
            "fixes": [
                {
                    "title": "write `handle`",
                    "safe": True,
                    "edits": [
                        {"file": path, "line": 2, "column": 23, "end_line": 2, "end_column": 29, "text": "handle"}
                    ],
                }
            ],
        }
    ]


def test_check_json_clean_is_an_empty_array(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--format", "json", write(tmp_path / "v.flow", VOICEMAIL)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_check_directory_means_every_flow_under_it(runner, tmp_path):
    write(tmp_path / "a" / "one.flow", VOICEMAIL.replace("voicemail", "one"))
    write(tmp_path / "a" / "b" / "two.flow", BROKEN)
    write(tmp_path / "a" / "notes.txt", "not a flow")
    result = runner.invoke(cli, ["check", "--format", "json", str(tmp_path / "a")])
    assert result.exit_code == 1
    files = {d["file"] for d in json.loads(result.stdout)}
    assert files == {str(tmp_path / "a" / "b" / "two.flow")}


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(cli, ["check"]).exit_code == 2
    assert runner.invoke(cli, ["check", str(tmp_path / "missing.flow")]).exit_code == 2
    assert (
        runner.invoke(cli, ["check", "--format", "xml", write(tmp_path / "v.flow", VOICEMAIL)]).exit_code == 2
    )
    assert runner.invoke(cli, ["build", write(tmp_path / "v.flow", VOICEMAIL)]).exit_code == 2  # no -o
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["check", str(empty)])
    assert result.exit_code == 2
    assert "no .flow files" in result.output


def test_binary_file_is_a_diagnostic_not_a_traceback(runner, tmp_path):
    path = tmp_path / "bin.flow"
    path.write_bytes(b'step a:\n    say "\xff\xfe"\n')
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{path}:2:10: error[FL002]" in result.stderr


def test_help_explains_commands(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for word in ("check", "build", "explain", "Exit status"):
        assert word in result.output
    build_help = runner.invoke(cli, ["build", "--help"]).output
    assert "all or nothing" in build_help.lower()
    assert "manifest" in build_help


# ---- build ----------------------------------------------------------------------


def test_build_writes_one_file_per_step_and_a_manifest(runner, tmp_path):
    src = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", src, "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = tree(out)
    assert sorted(files) == [MANIFEST, "voicemail/handle.xml", "voicemail/start.xml"]
    assert files["voicemail/start.xml"].startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Response>')
    manifest = json.loads(files[MANIFEST])
    assert manifest["files"] == ["voicemail/handle.xml", "voicemail/start.xml"]


def test_build_is_deterministic(runner, tmp_path):
    src = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    runner.invoke(cli, ["build", src, "-o", str(tmp_path / "a")])
    runner.invoke(cli, ["build", src, "-o", str(tmp_path / "b")])
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_build_with_an_error_writes_nothing(runner, tmp_path):
    good = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    bad = write(tmp_path / "src" / "main.flow", BROKEN)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", good, bad, "-o", str(out)])
    assert result.exit_code == 1
    assert "nothing written" in result.stderr
    assert not out.exists()


def test_build_with_an_error_leaves_a_previous_build_alone(runner, tmp_path):
    src = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", src, "-o", str(out)]).exit_code == 0
    before = tree(out)
    write(tmp_path / "src" / "voicemail.flow", VOICEMAIL.replace("-> handle", "-> nowhere"))
    assert runner.invoke(cli, ["build", src, "-o", str(out)]).exit_code == 1
    assert tree(out) == before


def test_rebuild_removes_only_files_it_wrote(runner, tmp_path):
    src = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", src, "-o", str(out)]).exit_code == 0
    mine = write(out / "voicemail" / "notes.txt", "mine")
    theirs = write(out / "README.md", "theirs")
    write(tmp_path / "src" / "voicemail.flow", VOICEMAIL.replace("handle", "goodbye"))
    result = runner.invoke(cli, ["build", src, "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = tree(out)
    assert "voicemail/handle.xml" not in files
    assert "voicemail/goodbye.xml" in files
    assert Path(mine).read_text() == "mine" and Path(theirs).read_text() == "theirs"
    assert json.loads(files[MANIFEST])["files"] == ["voicemail/goodbye.xml", "voicemail/start.xml"]


def test_build_into_current_directory_never_touches_user_files(runner, tmp_path, monkeypatch):
    project = tmp_path / "project"
    write(project / "flows" / "voicemail.flow", VOICEMAIL)
    write(project / "voicemail" / "start.xml", "<Response>hand written</Response>")
    monkeypatch.chdir(project)
    result = runner.invoke(cli, ["build", "flows", "-o", "."])
    assert result.exit_code == 2
    assert "did not write it" in result.output
    assert (project / "voicemail" / "start.xml").read_text() == "<Response>hand written</Response>"
    assert not (project / "voicemail" / "handle.xml").exists()
    assert not (project / MANIFEST).exists()


def test_unchanged_files_are_not_rewritten(runner, tmp_path):
    src = write(tmp_path / "src" / "voicemail.flow", VOICEMAIL)
    out = tmp_path / "out"
    runner.invoke(cli, ["build", src, "-o", str(out)])
    start = out / "voicemail" / "start.xml"
    os.utime(start, (1_000_000, 1_000_000))
    result = runner.invoke(cli, ["build", src, "-o", str(out)])
    assert "0 written, 2 unchanged" in result.stderr
    assert start.stat().st_mtime == 1_000_000


def test_file_stem_that_is_not_an_identifier_is_an_error(runner, tmp_path):
    src = write(tmp_path / "my flow.flow", "step a:\n    hangup\n")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", src, "-o", str(out)])
    assert result.exit_code == 1
    assert "error[FL101]" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("stem", ["..", "a.b", "..evil"])
def test_dotted_stems_never_escape_the_output(runner, tmp_path, stem):
    src = write(tmp_path / "src" / f"{stem}.flow", "step a:\n    hangup\n")
    out = tmp_path / "deep" / "out"
    result = runner.invoke(cli, ["build", src, "-o", str(out)])
    assert result.exit_code == 1
    assert "FL101" in result.stderr
    assert not (tmp_path / "deep").exists()


def test_declared_name_overrides_a_bad_stem(runner, tmp_path):
    src = write(tmp_path / "my flow.flow", "flow my_flow\nstep a:\n    hangup\n")
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", src, "-o", str(out)]).exit_code == 0
    assert (out / "my_flow" / "a.xml").exists()


def test_output_path_that_is_a_file_is_a_usage_error(runner, tmp_path):
    src = write(tmp_path / "v.flow", VOICEMAIL)
    target = write(tmp_path / "out", "a file")
    result = runner.invoke(cli, ["build", src, "-o", target])
    assert result.exit_code == 2
    assert Path(target).read_text() == "a file"


def test_two_files_declaring_one_flow_is_an_error(runner, tmp_path):
    a = write(tmp_path / "a.flow", "flow same\nstep a:\n    hangup\n")
    b = write(tmp_path / "b.flow", "flow same\nstep a:\n    hangup\n")
    result = runner.invoke(cli, ["check", "--format", "json", a, b])
    assert result.exit_code == 1
    (diag,) = json.loads(result.stdout)
    assert diag["code"] == "FL103" and diag["file"] == b


def test_flow_reference_resolves_against_neighbours_when_checked_alone(runner, tmp_path):
    ivr = write(tmp_path / "ivr.flow", "step start:\n    redirect -> billing.start\n")
    write(tmp_path / "billing.flow", "step start:\n    hangup\n")
    assert runner.invoke(cli, ["check", ivr]).exit_code == 0
    os.unlink(tmp_path / "billing.flow")
    result = runner.invoke(cli, ["check", ivr])
    assert result.exit_code == 1
    assert "error[FL105]" in result.stderr


def test_internal_errors_exit_2_with_a_short_message(tmp_path, monkeypatch, capsys):
    import flowc.project as project
    from flowc import cli as cli_module

    def boom(source):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(project, "parse_source", boom)
    monkeypatch.setattr("sys.argv", ["flowc", "check", write(tmp_path / "v.flow", VOICEMAIL)])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err
    assert "Traceback" not in err


# ---- URLs urllib.parse refuses: a diagnostic, never an internal error ----------------------------


def run_main(monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    """Run the real entry point (with its internal-error handler); its exit status and stderr."""
    from flowc import cli as cli_module

    monkeypatch.setattr("sys.argv", ["flowc", *argv])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    return exit_info.value.code, capsys.readouterr().err


@pytest.mark.parametrize(
    "url, col, message",
    [
        ("https://ex]ample.com/", 14, "the host of the URL has a `]` with no `[`"),
        ("https://a\u2a74b.com/", 14, "the host of the URL holds `\u2a74`, which Unicode normalisation"),
    ],
)
def test_check_reports_an_unreadable_base_url(tmp_path, monkeypatch, capsys, url, col, message):
    path = write(tmp_path / "v.flow", f"flow v\n    base-url {url}\n\nstep start:\n    hangup\n")
    status, err = run_main(monkeypatch, capsys, "check", path)
    assert status == 1
    assert f"{path}:2:{col}: error[FL307]: {message}" in err
    assert "internal error" not in err


def test_build_for_flask_reports_an_unreadable_network_path(tmp_path, monkeypatch, capsys):
    path = write(tmp_path / "v.flow", 'flow v\n\nstep start:\n    record -> "//[a/b"\n')
    status, err = run_main(monkeypatch, capsys, "check", path)
    assert status == 1
    assert f"{path}:4:12: error[FL307]: the host of the URL has a `[` with no `]`" in err
    out = tmp_path / "app"
    status, err = run_main(monkeypatch, capsys, "build", "--target", "flask", path, "-o", str(out))
    assert status == 1
    assert f"{path}:4:12: error[FL307]" in err
    assert "internal error" not in err
    assert not out.exists()


# ---- targets and branch steps ----------------------------------------------------

BRANCHING = """\
flow menu

step start:
    gather digits 1 -> choice:
        say "Press 1"

step choice:
    when digits "1" -> start
    otherwise -> start
"""


def test_check_reports_what_a_target_cannot_express_only_when_asked(runner, tmp_path):
    path = write(tmp_path / "menu.flow", BRANCHING)
    plain = runner.invoke(cli, ["check", path])
    assert plain.exit_code == 0, plain.output
    static = runner.invoke(cli, ["check", "--target", "twiml", "--format", "json", path])
    assert static.exit_code == 1
    (d,) = json.loads(static.stdout)
    assert (d["code"], d["line"], d["column"]) == ("FL802", 7, 6)
    assert "--target flask" in d["hint"]


def test_build_twiml_refuses_branch_steps_and_writes_nothing(runner, tmp_path):
    path = write(tmp_path / "menu.flow", BRANCHING)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", path, "-o", str(out), "--color", "never"])
    assert result.exit_code == 1
    assert "error[FL802]: step `choice` branches on the keys the caller pressed" in result.stderr
    assert "nothing written: the twiml target cannot build these flows" in result.stderr
    assert not out.exists()


def test_build_help_names_the_targets(runner):
    result = runner.invoke(cli, ["build", "--help"])
    assert result.exit_code == 0
    assert "--target" in result.output and "twiml" in result.output


def test_an_unknown_target_is_a_usage_error(runner, tmp_path):
    path = write(tmp_path / "voicemail.flow", VOICEMAIL)
    result = runner.invoke(cli, ["build", path, "-o", str(tmp_path / "o"), "--target", "pdf"])
    assert result.exit_code == 2
    assert "pdf" in result.stderr
