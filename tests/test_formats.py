"""Machine formats for CI: `--format sarif` (validated against the official
SARIF 2.1.0 schema) and `--format github` (workflow-command annotations)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from flowc.cli import cli
from flowc.codes import REGISTRY
from flowc.diagnostics import Diagnostic, Note, Severity
from flowc.render import help_uri, to_github, to_sarif
from flowc.source import Span

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
DOCS = Path(__file__).parent.parent / "docs" / "diagnostics.md"

# Three independent mistakes and one warning.
THREE = """\
step start:
    sya "Hello"
    record mx 20s -> handle

step handle:
    say "Bye" lop 2
    hangup
"""

WARNS = """\
step start:
    record max 20s
"""

CLEAN = """\
step start:
    say "Hello"
    hangup
"""


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def runner():
    return CliRunner()


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def assert_valid(validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


# ---- the schema itself ------------------------------------------------------------


def test_vendored_schema_is_the_oasis_sarif_2_1_0_schema(validator):
    schema = validator.schema
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    # Our logs name the schema they are valid against.
    assert json.loads(to_sarif([], cwd="/tmp"))["$schema"] == schema["id"]


def test_schema_rejects_a_log_without_runs(validator):
    # The validator really validates: a broken log fails.
    assert list(validator.iter_errors({"version": "2.1.0"}))
    assert list(validator.iter_errors({"version": "2.0.0", "runs": []}))


# ---- SARIF ------------------------------------------------------------------------


def test_check_sarif_is_valid_and_lists_every_error(runner, tmp_path, validator, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "flows" / "main.flow", THREE)
    result = runner.invoke(cli, ["check", "--format", "sarif", "flows/main.flow"])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    run = log["runs"][0]
    found = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    ]
    assert found == [("FL001", "error", 2), ("FL001", "error", 3), ("FL001", "error", 6)]
    first = run["results"][0]
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "flows/main.flow", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 8}
    assert first["message"]["text"].startswith("unexpected `sya`, expected a verb")
    assert first["message"]["text"].endswith("\nhelp: did you mean `say`?")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_rules_are_the_code_registry(runner, tmp_path, validator):
    result = runner.invoke(cli, ["check", "--format", "sarif", write(tmp_path / "main.flow", THREE)])
    run = json.loads(result.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(REGISTRY)
    for rule in rules:
        code = REGISTRY[rule["id"]]
        assert rule["name"] == code.name
        assert rule["shortDescription"]["text"] == code.summary
        assert rule["help"]["text"] == code.explanation.strip()
        assert rule["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning"}.get(
            str(code.severity), "note"
        )
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert run["tool"]["driver"]["name"] == "flowc"


def test_sarif_notes_become_related_locations(runner, tmp_path, validator):
    result = runner.invoke(cli, ["check", "--format", "sarif", write(tmp_path / "main.flow", THREE)])
    log = json.loads(result.stdout)
    related = log["runs"][0]["results"][0]["relatedLocations"]
    assert related[0]["id"] == 0
    assert related[0]["message"]["text"] == "in step `start`, opened here"
    assert related[0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_warning_level_and_werror(runner, tmp_path, validator):
    path = write(tmp_path / "w.flow", WARNS)
    plain = runner.invoke(cli, ["check", "--format", "sarif", path])
    assert plain.exit_code == 0
    log = json.loads(plain.stdout)
    assert_valid(validator, log)
    assert {r["level"] for r in log["runs"][0]["results"]} == {"warning"}
    strict = runner.invoke(cli, ["check", "--format", "sarif", "--werror", path])
    assert strict.exit_code == 1
    assert {r["level"] for r in json.loads(strict.stdout)["runs"][0]["results"]} == {"error"}


def test_sarif_for_a_clean_flow_has_no_results(runner, tmp_path, validator):
    result = runner.invoke(cli, ["check", "--format", "sarif", write(tmp_path / "ok.flow", CLEAN)])
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_sarif_absolute_paths_are_file_uris(runner, tmp_path, validator):
    path = write(tmp_path / "dir with space" / "m.flow", THREE)
    result = runner.invoke(cli, ["check", "--format", "sarif", os.path.abspath(path)])
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": Path(os.path.abspath(path)).as_uri()}
    assert "%20" in artifact["uri"]


def test_build_sarif_is_one_document_and_writes_nothing_on_error(runner, tmp_path, validator):
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["build", "--format", "sarif", "-o", str(out), write(tmp_path / "m.flow", THREE)]
    )
    assert result.exit_code == 1
    log = json.loads(result.stdout)  # one document, nothing else on stdout
    assert_valid(validator, log)
    assert len(log["runs"][0]["results"]) == 3
    assert not out.exists()


def test_build_sarif_on_success_writes_the_files(runner, tmp_path, validator):
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["build", "--format", "sarif", "-o", str(out), write(tmp_path / "m.flow", WARNS)]
    )
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["FL202"]
    assert (out / "m" / "start.xml").exists()


def test_sarif_keeps_hostile_text_intact(validator):
    message = 'quote " backslash \\ newline\nnul \x00 emoji 📞 </script> %0A'
    d = Diagnostic(
        code="FL001",
        severity=Severity.ERROR,
        message=message,
        span=Span("a b/ü.flow", 1, 1, 1, 2),
        hint="tab\there",
    )
    log = json.loads(to_sarif([d], cwd="/tmp"))
    assert_valid(validator, log)
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"] == message + "\nhelp: tab\there"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b/%C3%BC.flow"


def test_help_uris_point_at_sections_of_the_diagnostics_reference(validator):
    base = "https://flows.example/docs/diagnostics.md"
    log = json.loads(to_sarif([], docs_url=base, cwd="/tmp"))
    assert_valid(validator, log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    anchors = set(re.findall(r"\]\(#([a-z0-9-]+)\)", DOCS.read_text(encoding="utf-8")))
    for rule in rules:
        assert rule["helpUri"] == help_uri(REGISTRY[rule["id"]], base)
        assert rule["helpUri"].split("#", 1)[1] in anchors
    assert help_uri(REGISTRY["FL001"], None) is None


def test_help_uris_come_from_the_documentation_url_of_the_package(monkeypatch, validator):
    from email.message import Message
    from importlib import metadata

    meta = Message()
    meta["Name"] = "flowc"
    meta["Project-URL"] = "Source, https://code.example/flowc"
    meta["Project-URL"] = "Documentation, https://code.example/flowc/docs/"
    monkeypatch.setattr(metadata, "metadata", lambda name: meta)
    log = json.loads(to_sarif([], cwd="/tmp"))
    assert_valid(validator, log)
    driver = log["runs"][0]["tool"]["driver"]
    assert (
        driver["rules"][0]["helpUri"] == "https://code.example/flowc/docs/diagnostics.md#fl001-syntax-error"
    )
    assert driver["informationUri"] == "https://code.example/flowc/docs/diagnostics.md"


def test_without_a_documentation_url_rules_have_no_help_uri(monkeypatch):
    from email.message import Message
    from importlib import metadata

    monkeypatch.setattr(metadata, "metadata", lambda name: Message())
    rules = json.loads(to_sarif([], cwd="/tmp"))["runs"][0]["tool"]["driver"]["rules"]
    assert all("helpUri" not in r for r in rules)
    assert all(r["help"]["text"] for r in rules)


# ---- GitHub annotations ---------------------------------------------------------------


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the Actions runner does."""
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m, line
    command, props, data = m.groups()

    def unescape(s: str) -> str:
        for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            s = s.replace(code, char)
        return s

    properties = {}
    for item in props.split(","):
        key, _, value = item.partition("=")
        properties[key] = unescape(value)
    return command, properties, unescape(data)


def test_github_annotations_for_three_errors(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "main.flow", THREE)
    result = runner.invoke(cli, ["check", "--format", "github", "main.flow"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        "::error file=main.flow,line=2,col=5,endLine=2,endColumn=7,title=FL001 syntax-error::unexpected `sya`"
    )
    command, props, data = parse_command(lines[0])
    assert command == "error"
    assert data.splitlines()[-1] == "help: did you mean `say`?"
    assert "main.flow:1:1: note: in step `start`, opened here" in data.splitlines()
    assert [parse_command(line)[1]["line"] for line in lines] == ["2", "3", "6"]


def test_github_warning_annotation(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--format", "github", write(tmp_path / "w.flow", WARNS)])
    assert result.exit_code == 0
    assert result.stdout.startswith("::warning file=")
    assert "title=FL" in result.stdout


def test_github_prints_nothing_for_a_clean_flow(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--format", "github", write(tmp_path / "ok.flow", CLEAN)])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_github_build_reports_errors_and_writes_nothing(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        cli, ["build", "--format", "github", "-o", str(out), write(tmp_path / "m.flow", THREE)]
    )
    assert result.exit_code == 1
    assert [line.split(" ", 1)[0] for line in result.stdout.splitlines()] == ["::error"] * 3
    assert not out.exists()


@pytest.mark.parametrize(
    "message, path",
    [
        ("100% sure, really: yes", "plain.flow"),
        ("line one\nline two\r\nline three", "a,b.flow"),
        ("::error file=x.flow::injected", "c:d.flow"),
        ("%0A is not a newline, %25 is not a percent", "100%.flow"),
        ("trailing newline\n", "title=x,line=9.flow"),
    ],
)
def test_github_escapes_hostile_messages_and_paths(message, path):
    d = Diagnostic(
        code="FL001",
        severity=Severity.ERROR,
        message=message,
        span=Span(path, 3, 4, 3, 9),
        notes=(Note(message="see, here: 50%", span=Span(path, 1, 1, 1, 2)),),
    )
    out = to_github([d])
    assert "\n" not in out and "\r" not in out  # one command, one line
    command, props, data = parse_command(out)
    assert command == "error"
    assert props == {
        "file": path,
        "line": "3",
        "col": "4",
        "endLine": "3",
        "endColumn": "8",
        "title": "FL001 syntax-error",
    }
    assert data == f"{message}\n{path}:1:1: note: see, here: 50%"


def test_github_multi_line_span_has_no_columns():
    d = Diagnostic(code="FL201", severity=Severity.INFO, message="m", span=Span("f.flow", 2, 5, 4, 3))
    command, props, _ = parse_command(to_github([d]))
    assert command == "notice"
    assert props == {
        "file": "f.flow",
        "line": "2",
        "endLine": "4",
        "title": f"FL201 {REGISTRY['FL201'].name}",
    }


MISTAKEN = "step start:\n    record maxLength 20 -> /h\n"


def test_json_and_sarif_carry_the_fixes(runner, tmp_path, validator):
    path = write(tmp_path / "main.flow", MISTAKEN)
    (found,) = json.loads(runner.invoke(cli, ["check", "--format", "json", path]).stdout)
    assert found["fixes"] == [
        {
            "title": "write `max 20s`",
            "safe": True,
            "edits": [
                {"file": path, "line": 2, "column": 12, "end_line": 2, "end_column": 24, "text": "max 20s"}
            ],
        }
    ]
    log = json.loads(runner.invoke(cli, ["check", "--format", "sarif", path]).stdout)
    assert_valid(validator, log)
    (fix,) = log["runs"][0]["results"][0]["fixes"]
    assert fix["description"]["text"] == "write `max 20s`"
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": 24},
            "insertedContent": {"text": "max 20s"},
        }
    ]


def test_json_without_fixes_has_no_fixes_key(runner, tmp_path):
    path = write(tmp_path / "main.flow", "step start:\n    redirect -> nowhere\n")
    (found,) = json.loads(runner.invoke(cli, ["check", "--format", "json", path]).stdout)
    assert "fixes" not in found


def test_check_fix_applies_the_safe_fixes_in_rounds(runner, tmp_path):
    path = tmp_path / "main.flow"
    path.write_text(
        "step start:\n    record maxLength 20 playBeep=false -> next\n\nstep next:\n    sya 'Thanks'\n"
        "    redirect -> example.com/next\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["check", "--diff", str(path)])
    assert "+    record max 20s no beep -> next" in result.stdout
    assert '+    say "Thanks"' in result.stdout
    assert "would fix 4 problems in 1 file" in result.stderr
    assert "maxLength" in path.read_text(encoding="utf-8")  # --diff writes nothing
    result = runner.invoke(cli, ["check", "--fix", str(path)])
    assert result.exit_code == 1  # the URL's scheme is not a safe fix: it remains
    assert path.read_text(encoding="utf-8") == (
        'step start:\n    record max 20s no beep -> next\n\nstep next:\n    say "Thanks"\n'
        "    redirect -> example.com/next\n"
    )
    assert "has no scheme" in result.stderr
    assert "fixed 4 problems in 1 file" in result.stderr
    clean = runner.invoke(cli, ["check", "--fix", write(tmp_path / "ok.flow", "hangup\n")])
    assert clean.exit_code == 0 and "fixed" not in clean.stderr


def test_check_diff_needs_the_text_format(runner, tmp_path):
    result = runner.invoke(cli, ["check", "--diff", "--format", "json", write(tmp_path / "m.flow", MISTAKEN)])
    assert result.exit_code == 2
    assert "--diff" in result.stderr
