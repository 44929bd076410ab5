"""The engine and storage never load Textual; batch commands never pay for it either."""

import subprocess
import sys

import pytest

HEADLESS = [
    "cstui.metrics.report",
    "cstui.metrics.health",
    "cstui.metrics.mood",
    "cstui.storage.importer",
    "cstui.storage.profiles",
    "cstui.storage.writes",
    "cstui.storage.connection",
    "cstui.readmodels.views",
    "cstui.readmodels.brief",
    "cstui.readmodels.backtest",
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
