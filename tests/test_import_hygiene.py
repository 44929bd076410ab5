"""The engine and storage never load Textual; batch commands never pay for it either."""

import subprocess
import sys

import pytest

HEADLESS = [
    "cstui.metrics.report",
    "cstui.metrics.health",
    "cstui.metrics.mood",
    "cstui.storage.imports.importer",
    "cstui.storage.imports.profiles",
    "cstui.storage.records.notes",
    "cstui.storage.records.surveys",
    "cstui.storage.records.tasks",
    "cstui.storage.records.accounts",
    "cstui.storage.bookfile.connection",
    "cstui.readmodels.views",
    "cstui.readmodels.brief",
    "cstui.readmodels.backtest",
    "cstui.derived.owner",
    "cstui.formatting",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_modules_import_neither_textual_nor_rich(module):
    code = f"import sys, {module}; print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_cstui_report_runs_without_loading_textual(demo_path):
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('textual' in sys.modules, file=sys.stderr))\n"
        "from cstui.cli import main\n"
        f"main(['report', '--json', '--as-of', '2026-11-24', '--db', {str(demo_path)!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    ("args", "opens_app"),
    [
        ([], True),
        (["--db", "BOOK"], True),
        (["--db=BOOK", "--as-of", "2026-11-24"], True),
        (["--db"], False),  # typer names the missing value
        (["--help"], False),
        (["report", "--db", "BOOK"], False),
        (["--db", "BOOK", "report"], False),
    ],
)
def test_only_a_command_line_of_the_app_s_options_skips_the_commands(args, opens_app):
    from cstui.cli.main import opens_the_app

    assert opens_the_app(args) is opens_app


def test_bare_cstui_reaches_the_app_without_importing_the_engine_or_the_commands(demo_path):
    """The app's start-up does not wait for the command modules (and the engine they import)."""
    code = (
        "import sys\n"
        "import cstui.cli\n"
        "cli = sys.modules['cstui.cli.main']\n"
        "cli.launch = lambda conn, path, day: print(sorted(m for m in sys.modules"
        " if m.startswith(('cstui.metrics', 'cstui.cli.report_commands', 'cstui.cli.book_commands'))))\n"
        f"cli.main(['--db', {str(demo_path)!r}, '--as-of', '2026-11-24'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
