"""House rules checked by machine: no SQL in the presentation layers (cstui/tui, cstui/cli, cstui/readmodels)
or the derived data (cstui/derived),
and every TUI notification goes through `CstuiApp.say`.

Queries live in cstui/storage (reads and writes) and cstui/metrics (aggregates); screens and
commands call them by name. An AST walk over every string literal (f-string parts included) finds
SQL that slipped into a screen or a command.

Toasts often carry book text; `say` makes all of it `visible()` and shows it with `markup=False`.
An AST walk finds any `.notify` (a call, or the method taken to call later) in cstui/tui outside it.

No test module imports from another: what several share (helpers, samples, constants) lives in a
non-test module under tests/ and shared fixtures in tests/conftest.py, so a test module can be
renamed, split or run alone without breaking others (and pytest never sees a fixture twice).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "cstui"
TUI = sorted((ROOT / "tui").rglob("*.py"))
PRESENTATION = sorted(
    path for layer in ("tui", "cli", "readmodels", "derived") for path in (ROOT / layer).rglob("*.py")
)
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


def notify_uses(path: Path) -> list[int]:
    """Lines where the module reaches `.notify` other than inside a method named `say`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "say":
            allowed.update(id(inner) for inner in ast.walk(node))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "notify" and id(node) not in allowed
    )


def test_the_check_sees_a_notify_outside_say(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "class A:\n"
        "    def say(self, m):\n"
        "        self.notify(m, markup=False)\n"
        "    def other(self, note):\n"
        "        self.app.notify(note.summary, markup=False)\n"
        "        tell = self.notify\n"
        "def f(app):\n"
        "    app.notify('x')\n"
    )
    assert notify_uses(probe) == [5, 6, 8]


@pytest.mark.parametrize("path", TUI, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_toast_goes_through_say(path):
    assert notify_uses(path) == [], f"{path.relative_to(ROOT)}: notify through app.say(...), which applies visible()"


TEST_MODULES = sorted(Path(__file__).resolve().parent.glob("test_*.py"))


def names_a_test_module(module: str) -> bool:
    """`tests.test_x`, `tests.test_x.name`, or `test_x` as a relative or rootdir import."""
    parts = module.lstrip(".").split(".")
    if parts[0] == "tests":
        parts = parts[1:]
    return bool(parts) and parts[0].startswith("test_")


def imports_of_test_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import, at any depth (inside functions too), of a tests/test_* module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):  # `from tests import test_x` names the module as an alias
            base = node.module or ""
            modules = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        hits = [module for module in modules if names_a_test_module(module)]
        if hits:
            found.append((node.lineno, hits[0]))
    return found


def test_the_check_sees_an_import_from_a_test_module(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "from tests.bookmaker import BookMaker\nfrom tests.test_history import data_dump\n"
        "def test_x():\n    import tests.test_ingest\n    from tests import test_sync\n    from .test_bad_dates import small_book\n",
        encoding="utf-8",
    )
    assert [line for line, _ in imports_of_test_modules(probe)] == [2, 4, 5, 6]


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: p.name)
def test_no_test_module_imports_another(path):
    assert imports_of_test_modules(path) == [], (
        f"{path.name} imports from a test module: move the shared names to a helper module under tests/ "
        "(fixtures to tests/conftest.py)"
    )
