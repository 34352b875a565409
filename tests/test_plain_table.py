"""``print_table`` without rich: the same characters rich prints to a file or pipe."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from collections.abc import Sequence

import pytest
from rich.console import Console
from rich.table import Table

from kamcore.cli._common import PIPE_WIDTH, plain_table


def rich_table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[str]],
               width: int = PIPE_WIDTH) -> str:
    """What print_table printed with rich alone, to a pipe of ``width`` columns."""
    table = Table(title=title, show_lines=False)
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    out = io.StringIO()
    Console(file=out, width=width).print(table)
    return out.getvalue()


ALPHABET = "ab Z09:;.-_,/()|\\]'\"!?~@#$%&*+=<>{}`^"


def random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def random_table(rng: random.Random) -> tuple[str | None, list[str], list[list[str]]]:
    columns = rng.randint(1, 5)
    longest = rng.choice([3, 12, 40])
    title = rng.choice([None, "", random_text(rng, 30)])
    headers = [random_text(rng, longest) for _ in range(columns)]
    rows = [[random_text(rng, longest) for _ in range(columns)]
            for _ in range(rng.randint(0, 6))]
    return title, headers, rows


def test_plain_table_prints_what_rich_prints() -> None:
    rng = random.Random(20261122)
    plain_ones = 0
    for _ in range(600):
        title, headers, rows = random_table(rng)
        plain = plain_table(title, headers, rows)
        if plain is None:  # left to rich
            continue
        plain_ones += 1
        assert plain == rich_table(title, headers, rows), (title, headers, rows)
        assert plain == rich_table(title, headers, rows, width=PIPE_WIDTH + 37)
    assert plain_ones > 200  # the comparison covered many tables


@pytest.mark.parametrize(("title", "headers", "rows"), [
    ("t", ["a"], [["[bold]x[/bold]"]]),          # rich markup
    ("t", ["a"], [["a :smile: b"]]),             # an emoji code
    ("t", ["a"], [["naïve"]]),                   # not ASCII
    ("t", ["a"], [["tab\there"]]),               # a control character
    ("t", ["a", "b"], [["only one cell"]]),      # a short row
    ("a title far wider than the table", ["a"], [["x"]]),
    (" title ", ["a"], [["spaced title"]]),
    ("t", ["a"], [["x" * PIPE_WIDTH]]),          # rich would wrap it
    ("t", [], []),
])
def test_plain_table_leaves_what_it_cannot_be_sure_of_to_rich(
        title: str, headers: list[str], rows: list[list[str]]) -> None:
    assert plain_table(title, headers, rows) is None


def test_plain_table_keeps_colons_that_are_no_emoji_code() -> None:
    rows = [["adapter: json; exporter: csv, html", "urn: x"]]
    assert plain_table("plugins", ["a", "b"], rows) == rich_table("plugins", ["a", "b"], rows)


def test_kam_plugins_to_a_pipe_does_not_import_rich(kam_env: object) -> None:
    script = ("import sys; from kamcore.cli import run; code = run(['plugins']); "
              "print('rich' in sys.modules, file=sys.stderr); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=kam_env(None), timeout=60)  # type: ignore[operator]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("False")
    assert "┃ name" in proc.stdout and "kamcore.builtin.exporters" in proc.stdout


def test_forced_colour_still_goes_through_rich(kam_env: object) -> None:
    script = ("import sys; from kamcore.cli import run; code = run(['plugins']); "
              "print('rich' in sys.modules, file=sys.stderr); sys.exit(code)")
    env = kam_env({"FORCE_COLOR": "1"})  # type: ignore[operator]
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("True")
    assert "\x1b[" in proc.stdout
