"""House rules checked by machine: no SQL in the presentation layers (cstui/tui, cstui/cli, cstui/readmodels).

Queries live in cstui/storage (reads and writes) and cstui/metrics (aggregates); screens and
commands call them by name. An AST walk over every string literal (f-string parts included) finds
SQL that slipped into a screen or a command.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "cstui"
PRESENTATION = sorted(path for layer in ("tui", "cli", "readmodels") for path in (ROOT / layer).rglob("*.py"))
SQL = re.compile(
    r"\bSELECT\b.*?\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b", re.IGNORECASE | re.DOTALL
)


def sql_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in the module that reads as SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append((node.lineno, node.value.strip()[:80]))
    return found


def test_the_check_sees_sql_when_it_is_there(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'a = "select id from accounts"\nb = f"DELETE FROM tasks WHERE id = {1}"\n'
        'c = "UPDATE tasks SET done_on = 1"\nd = """INSERT\n INTO x VALUES (1)"""\ne = "Select a segment"\n'
    )
    assert sorted(line for line, _ in sql_literals(probe)) == [1, 2, 3, 4]


@pytest.mark.parametrize("path", PRESENTATION, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_in_the_presentation_layers(path):
    assert sql_literals(path) == [], f"{path.relative_to(ROOT)}: move the query into cstui/storage or cstui/metrics"
