"""Every CLI output of book text goes through `visible`: no raw ESC reaches the terminal (issue 17 item 7)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bookmaker import BookMaker, new_book

ROOT = Path(__file__).resolve().parent.parent
OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # would set the terminal's clipboard
SEGMENT = f"Ent{OSC52}\x1b[2Jerprise"


@pytest.fixture
def hostile_book(book_path):
    db = new_book(book_path)
    make = BookMaker(db)
    make.account("A1", "2024-01-01", segment=SEGMENT)
    make.account("A2", "2024-03-01", churn="2025-06-01", segment=SEGMENT)
    db.conn.close()
    return book_path


def run(book: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cstui", *args, "--db", str(book)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_segment_lists_the_book_s_segments_made_visible(hostile_book):
    result = run(hostile_book, "report", "--segment", "nonexistent")
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr
    assert "cstui: --segment: no accounts in segment 'nonexistent' (segments: Ent" in result.stderr


def test_an_escape_in_the_asked_segment_is_shown_not_sent(hostile_book):
    result = run(hostile_book, "report", "--segment", f"x{OSC52}")
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr


def test_health_retention_table_and_legend_show_segment_names_made_visible(hostile_book):
    result = run(hostile_book, "health", "retention", "--as-of", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert result.stdout.count("Ent") >= 2  # the table row and the chart legend
