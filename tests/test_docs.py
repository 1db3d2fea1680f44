"""Every command-line option and the README's commands are documented and real."""

from __future__ import annotations

import argparse
import re

from sikkerby_build import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _parser_options() -> dict[str, set[str]]:
    captured: dict[str, set[str]] = {}
    original = argparse.ArgumentParser.parse_args

    def capture(self, args=None, namespace=None):
        def collect(parser: argparse.ArgumentParser, prefix: str) -> None:
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    for name, sub in action.choices.items():
                        key = f"{prefix} {name}".strip()
                        captured[key] = {
                            o for a in sub._actions for o in a.option_strings if o.startswith("--") and o != "--help"
                        }
                        collect(sub, key)

        collect(self, "")
        raise SystemExit(0)

    argparse.ArgumentParser.parse_args = capture
    try:
        cli.main(["validate"])
    except SystemExit:
        pass
    finally:
        argparse.ArgumentParser.parse_args = original
    return captured


def test_every_command_and_option_is_documented():
    options = _parser_options()
    assert {c.split()[0] for c in options} == {
        "validate",
        "build",
        "serve",
        "synth",
        "new",
        "template",
        "import",
        "rename",
        "fix-csv",
    }
    assert {
        "new followup",
        "new activity",
        "new story",
        "new page",
        "new year",
        "new news",
        "template followup",
        "rename activity",
    } <= set(options)
    for command, opts in options.items():
        assert f"sikkerby {command}" in README, command
        for opt in opts:
            assert f"`{opt}`" in README, f"{command} {opt} is not documented in README.md"


def test_readme_quick_start_matches_ci():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"^(scripts/setup\.sh --test && .+)$", README, re.MULTILINE).group(1)
    assert test_command in ci
    assert "scripts/setup.sh && .venv/bin/sikkerby build --edition all" in README
