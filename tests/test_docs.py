"""The README and docs/ say what the code does: generated pages are current, every example in
the README runs and prints what the README shows, and every link resolves."""

from __future__ import annotations

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from costmodel.presentation.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_generated_pages_are_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "generate.py")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr  # regenerate: python docs/generate.py --write


def test_readme_python_examples_run_as_shown() -> None:
    blocks = _blocks("pycon")
    assert blocks
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README block {i}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 5


def test_readme_command_line_examples_print_what_is_shown(
        capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _blocks("console")
    assert blocks
    for block in blocks:
        commands = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
        for command in commands:
            line, _, expected = command.partition("\n")
            argv = shlex.split(line)
            assert argv[0] == "costmodel"
            assert main(argv[1:]) == 0
            assert capsys.readouterr().out == expected, line


def test_readme_is_short_and_opens_with_the_two_commands() -> None:
    lines = README.splitlines()
    assert len(lines) <= 200
    head = "\n".join(lines[:20])
    assert "make app" in head and "make test" in head


def test_every_relative_link_resolves() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)\)", page.read_text("utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"
