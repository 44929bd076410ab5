"""Bare `cstui`: the app starts without the CLI's machinery, opens the book once, and says so in one
line when there is no terminal to run in."""

import importlib
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cstui.errors import UserError
from cstui.storage.bookfile.migrations import known_steps
from tests.hostile_checks import fingerprint

ROOT = Path(__file__).resolve().parent.parent
cli_main = importlib.import_module("cstui.cli.main")  # the module (`cstui.cli.main` is also the function's name)

# Nothing of these may be imported before the app runs: the CLI's parser, the batch commands,
# sqlite-utils (and what it brings), the engine, the read models and the derived data.
NOT_BEFORE_THE_APP = (
    "typer",
    "click",
    "sqlite_utils",
    "dateutil",
    "pluggy",
    "numpy",
    "cstui.readmodels",
    "cstui.derived",
)
COMMAND_MODULES_ALLOWED = ("cstui.cli", "cstui.cli.args", "cstui.cli.main")
METRICS_ALLOWED = ("cstui.metrics", "cstui.metrics.bands")  # the band names the dashboard's rows are coloured by


def _heavy(modules: list[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if name.split(".")[0] in NOT_BEFORE_THE_APP
        or name.startswith(NOT_BEFORE_THE_APP)
        or (name.startswith("cstui.cli") and name not in COMMAND_MODULES_ALLOWED)
        or (name.startswith("cstui.metrics") and name not in METRICS_ALLOWED)
    )


def test_bare_cstui_runs_the_app_before_typer_sqlite_utils_or_the_engine_are_imported(demo_path):
    """What `python -m cstui --db BOOK` has imported when the app starts running (the terminal check
    passed as in a terminal; `App.run` replaced by a look at `sys.modules`)."""
    code = (
        "import importlib, sys, runpy\n"
        "cli = importlib.import_module('cstui.cli.main')\n"
        "from textual.app import App\n"
        "cli.need_a_terminal = lambda path: None\n"
        "App.run = lambda self: print('\\n'.join(sorted(sys.modules)))\n"
        f"sys.argv = ['cstui', '--db', {str(demo_path)!r}, '--as-of', '2026-11-24']\n"
        "runpy.run_module('cstui', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    modules = done.stdout.split()
    assert "cstui.tui.app" in modules and "cstui.tui.screens.dashboard" in modules  # the app did start
    assert _heavy(modules) == []


def test_the_import_check_above_sees_what_a_command_imports(demo_path):
    """The same look after a batch command finds typer and sqlite-utils: the check can fail."""
    code = (
        "import sys\n"
        "from cstui.cli import main\n"
        f"main(['report', '--json', '--as-of', '2026-11-24', '--db', {str(demo_path)!r}])\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {"typer", "sqlite_utils"} <= set(_heavy(done.stderr.split()))


def test_bare_cstui_opens_the_book_once_and_the_app_writes_through_that_connection(demo_path, monkeypatch):
    """One connection for the UI thread: the one `cstui` opened and checked, handed to the app; its
    writes go through a `Book` on it, recorded as the app's."""
    from cstui.storage import history
    from cstui.storage.bookfile import connection
    from cstui.tui.app import CstuiApp

    opened = []
    real_open = connection.open_connection
    monkeypatch.setattr(connection, "open_connection", lambda *a, **k: opened.append(real_open(*a, **k)) or opened[-1])
    monkeypatch.setattr(cli_main, "need_a_terminal", lambda path: None)
    apps = []
    monkeypatch.setattr(CstuiApp, "run", lambda self: apps.append(self))
    try:
        cli_main.main(["--db", str(demo_path), "--as-of", "2026-11-24"])
        (app,) = apps
        assert len(opened) == 1 and app.opened is opened[0]
        assert app.book.conn is opened[0].conn
        assert history._default_source == "tui"  # what set_default_source set
    finally:
        history.set_default_source("cli")
        for each in opened:
            each.conn.close()


def _run_without_a_terminal(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cstui", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,  # the app's input thread used to spin on end-of-file until killed
    )


def test_bare_cstui_without_a_terminal_says_so_in_one_line_and_leaves_the_book_alone(demo_path):
    before = fingerprint(demo_path)
    done = _run_without_a_terminal("--db", str(demo_path), "--as-of", "2026-11-24")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"cstui: the app needs a terminal, and stdin or stderr is not one; to open {demo_path}, "
        f"run `cstui --db {demo_path}` in a terminal\n"
    )
    assert fingerprint(demo_path) == before


def test_demo_without_a_terminal_says_where_the_book_is_and_how_to_open_it(demo_path):
    done = _run_without_a_terminal("demo", "--db", str(demo_path), "--as-of", "2026-11-24")
    assert done.returncode == 1
    assert done.stdout == f"opening the existing demo book {demo_path} (use --rebuild to start the demo afresh)\n"
    assert done.stderr.splitlines() == [
        f"cstui: the app needs a terminal, and stdin or stderr is not one; to open {demo_path}, "
        f"run `cstui --db {demo_path}` in a terminal"
    ]


def test_the_terminal_check_asks_stdin_and_the_stream_textual_draws_on(tmp_path, monkeypatch):
    leader, follower = pty.openpty()
    terminal = os.fdopen(follower, "rb", buffering=0)
    read_end, write_end = os.pipe()
    pipe = os.fdopen(read_end)
    try:
        for stdin, stderr, fine in ((terminal, terminal, True), (pipe, terminal, False), (terminal, pipe, False)):
            monkeypatch.setattr(sys, "__stdin__", stdin)
            monkeypatch.setattr(sys, "__stderr__", stderr)
            if fine:
                cli_main.need_a_terminal(tmp_path / "book.db")
            else:
                with pytest.raises(UserError, match="the app needs a terminal"):
                    cli_main.need_a_terminal(tmp_path / "book.db")
    finally:
        monkeypatch.undo()
        terminal.close()
        pipe.close()
        os.close(write_end)
        os.close(leader)


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ([], {}),
        (["--db", "a.db"], {"--db": "a.db"}),
        (["--db=a.db", "--as-of", "2026-11-24"], {"--db": "a.db", "--as-of": "2026-11-24"}),
        (["--db", "a.db", "--db=b.db"], {"--db": "b.db"}),  # as typer: the last one wins
        (["--as-of=", "--db", ""], {"--as-of": "", "--db": ""}),
    ],
)
def test_the_app_s_options_are_read_as_typer_reads_them(args, options):
    assert cli_main.opens_the_app(args)
    assert cli_main.app_options(args) == options


async def test_the_dashboard_s_frame_is_painted_before_any_worker_starts(demo_path, monkeypatch):
    """The loads (the figures, the time panel) and the daily backup run in threads that would take turns
    with painting the first frame (the GIL); they start once it is painted."""
    from textual.screen import Screen

    from cstui.tui.app import CstuiApp
    from cstui.tui.widgets.figure import Figure
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import settle

    workers_at_first_paint: list[list[str]] = []
    paint = Screen._compositor_refresh

    def first_paint_seen(screen: Screen) -> None:
        if not workers_at_first_paint:
            workers_at_first_paint.append(sorted(worker.name for worker in screen.app.workers))
        paint(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", first_paint_seen)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#fig-nps", Figure).value not in ("", "…")  # then the loads ran
    assert workers_at_first_paint == [[]]


def _newer(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cstui', '9999_later', 'x')")
    conn.commit()
    conn.close()
    return f"cstui: {path}: this book was written by a newer cstui (schema steps unknown here: 9999_later)."


def _read_only_and_behind(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [known_steps()[-1]])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    os.chmod(path, 0o400)
    return f"cstui: {path}: the book is read-only (its mode is 400;"


@pytest.mark.parametrize("spoil", [_newer, _read_only_and_behind])
def test_bare_cstui_refuses_such_a_book_in_one_line_before_asking_for_a_terminal(spoil, demo_path, cli):
    expected = spoil(demo_path)
    before = fingerprint(demo_path)[:4]  # the file itself: bytes, mode, size, time
    result = cli("--db", str(demo_path), "--as-of", "2026-11-24")
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert result.err.startswith(expected), result.err
    assert fingerprint(demo_path)[:4] == before
