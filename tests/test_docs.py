"""Every command, flag, setting and error code is documented (a test fails when one is not)."""

from __future__ import annotations

import argparse

import pytest
import yaml

from detente.cli import build_parser
from detente.errors import MESSAGES
from tests.paths import REPO

CLI_DOC = (REPO / "docs" / "cli.md").read_text()


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        flags = [opt for action in command._actions for opt in action.option_strings
                 if opt.startswith("--") and opt != "--help"]
        yield name, flags


@pytest.mark.parametrize("name,flags", list(_commands()))
def test_command_and_flags_documented(name, flags):
    assert f"## `detente {name}" in CLI_DOC, name
    for flag in flags:
        assert f"`{flag}" in CLI_DOC, (name, flag)


def test_settings_documented():
    defaults = yaml.safe_load((REPO / "src" / "detente" / "settings.yaml").read_text())
    doc = (REPO / "docs" / "settings.md").read_text()
    for section, values in defaults.items():
        for key in values:
            assert f"`{section}.{key}`" in doc, f"{section}.{key}"


def test_error_codes_documented():
    doc = (REPO / "docs" / "errors.md").read_text()
    for code in MESSAGES:
        assert f"| {code} |" in doc, code
