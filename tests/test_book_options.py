"""`--db` and `--as-of` name the book and the day for the whole command line, wherever they stand (issue 23).

Before, `cstui --db X account add ...` wrote to the default book: click reads an option only where its command
stands, and the top-level `--db` was taken for the app's own option and dropped.
"""

from pathlib import Path

import pytest
import typer

from cstui.cli.typer_app import with_commands
from tests.conftest import dump


def leaf_commands() -> list[tuple[list[str], object]]:
    """Every command a user can run, as (words, click command), from the typer app itself."""

    def walk(command, words):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, [*words, name])
        else:
            yield words, command

    return list(walk(typer.main.get_command(with_commands()), []))


def minimal_arguments(command) -> list[str]:
    """The command's required arguments and options, each given the value "1"."""
    words: list[str] = []
    for param in command.params:
        if param.required:
            words += ["1"] if type(param).__name__ == "TyperArgument" else [param.opts[0], "1"]
    return words


COMMANDS = leaf_commands()


def test_the_walk_finds_every_family_of_command():
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"init", "report", "account add", "task done", "profile import", "migrate apply", "renewal set"} <= names
    assert len(names) >= 50


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("words,command", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_command_uses_the_named_book_never_the_default(cli, tmp_path, words, command, position):
    """Pointed at a file that is not a book, each command refuses that file (or its own arguments first);
    none of them creates, opens or names the default book ($CSTUI_DB, set per test by conftest)."""
    foreign = tmp_path / "foreign.txt"
    foreign.write_text("not a book\n")
    before = foreign.read_bytes()
    extra = ["--no-open"] if words == ["demo"] else []
    args = [*words, *minimal_arguments(command), *extra]
    line = ["--db", str(foreign), *args] if position == "before" else [*args, "--db", str(foreign)]
    result = cli(*line)
    default = Path(tmp_path / "default-book.db")
    assert not default.exists(), f"`cstui {' '.join(line)}` created the default book"
    assert "default-book" not in result.out + result.err
    assert foreign.read_bytes() == before
    if result.code:  # refused: the named file, or the command's own argument, is what is wrong
        assert (
            "foreign.txt" in result.out + result.err
            or "cstui: 1" in result.err
            or "'1'" in result.err
            or " 1:" in result.err
            or "give --" in result.err  # an option the command needs (`checkin snooze`: --until or --days)
        ), result.err


@pytest.mark.parametrize("position", ["before", "after"])
def test_account_add_writes_to_the_named_book(cli, tmp_path, position):
    book = tmp_path / "d.db"
    assert cli("init", "--db", str(book)).code == 0
    words = ["account", "add", "ZZZ-1", "--name", "T", "--as-of", "2026-11-24"]
    line = ["--db", str(book), *words] if position == "before" else [*words, "--db", str(book)]
    added = cli(*line)
    assert added.code == 0, added.err
    assert not (tmp_path / "default-book.db").exists()
    assert any("ZZZ-1" in statement for statement in dump(book))
    assert "start_date: 2026-11-24" in added.out


@pytest.mark.parametrize("position", ["before", "after"])
def test_as_of_is_today_for_commands_without_their_own_date_option(cli, demo_path, position):
    """`task add` has no --as-of of its own; a top-level or trailing one is the day its due date is checked
    against and the day the task is created."""
    words = [
        "task",
        "add",
        "--account",
        "ACC-1047",
        "--title",
        "Call back",
        "--due",
        "2026-11-25",
        "--db",
        str(demo_path),
    ]
    line = ["--as-of", "2026-11-24", *words] if position == "before" else [*words, "--as-of", "2026-11-24"]
    added = cli(*line)
    assert added.code == 0, added.err
    assert "created_on: 2026-11-24" in added.out
    late = cli("--as-of", "2026-11-26", *words)
    assert late.code == 1 and "due date" in late.err


def test_as_of_on_both_sides_agrees_with_itself(cli, demo_path):
    same = cli("--as-of", "2026-11-24", "task", "list", "--as-of", "2026-11-24", "--json", "--db", str(demo_path))
    assert same.code == 0, same.err


@pytest.mark.parametrize("option,first,second", [("--db", "a.db", "b.db"), ("--as-of", "2026-11-24", "2026-11-25")])
def test_the_same_option_twice_with_different_values_is_refused(cli, demo_path, tmp_path, option, first, second):
    before = dump(demo_path)
    result = cli(option, first, "report", option, second, *(["--db", str(demo_path)] if option == "--as-of" else []))
    assert result.code == 1
    assert result.err.strip() == f"cstui: {option} is given twice ({first} and {second}); give it once"
    assert dump(demo_path) == before


def test_words_after_a_double_dash_are_never_taken_as_options(cli, demo_path):
    result = cli("search", "--db", str(demo_path), "--", "--db")
    assert result.code == 0, result.err
