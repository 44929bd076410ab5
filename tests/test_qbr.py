"""The QBR pack (issue 29): what it lists for a demo account's quarter, what it leaves out without
--internal, what changed against the last pack kept, book text escaped, and its charts as SVG snapshots."""

import re
import shutil
import subprocess
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest

from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE

KEY = "ACC-1010"  # the demo account with the most tickets in 2026Q4


def _section(html: str, table: str) -> list[list[str]]:
    """The data rows of `<table class="{table}">` as cell texts."""
    found = re.search(rf'<table class="{table}">(.*?)</table>', html, re.S)
    assert found, f"no {table} table"
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)[1:]
    return [
        [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


@pytest.fixture
def demo_qbr(demo, demo_path, cli, tmp_path):
    run = lambda *args: cli("--db", str(demo_path), *args)  # noqa: E731
    assert run("plan", "add", KEY, "--objective", "Cut support load", "--owner", "Ana").code == 0
    added = run(
        "plan",
        "goal",
        "add",
        KEY,
        "Quiet month",
        "--figure",
        "days_without_urgent_ticket",
        "--target",
        "30",
        "--start",
        "2026-10-01",
        "--due",
        "2026-12-31",
    )
    assert added.code == 0, added.err
    assert run("plan", "goal", "add", KEY, "Admin training", "--due", "2026-11-15", "--as-of", "2026-10-01").code == 0
    assert (
        run("plan", "goal", "add", KEY, "Next year's rollout", "--due", "2027-02-01", "--as-of", "2026-10-01").code == 0
    )

    def write(*extra: str) -> tuple[str, str]:
        out = tmp_path / "out"
        made = run("qbr", KEY, "--quarter", "2026Q4", "--out", str(out), "--as-of", DEMO_DATE.isoformat(), *extra)
        assert made.code == 0, made.err
        html_path, md_path = (Path(line.split(": ", 1)[1]) for line in made.out.splitlines())
        assert html_path.suffix == ".html" and md_path.suffix == ".md"
        return html_path.read_text(encoding="utf-8"), md_path.read_text(encoding="utf-8")

    return demo, run, write


def test_pack_lists_exactly_the_quarters_tickets_responses_and_goals(demo_qbr):
    demo, _, write = demo_qbr
    html, markdown = write()
    account = demo.execute("SELECT id FROM accounts WHERE key = ?", [KEY]).fetchone()[0]
    tickets = demo.execute(
        "SELECT opened_on, subject FROM tickets WHERE account_id = ? AND opened_on >= '2026-10-01'"
        " AND opened_on <= ? ORDER BY opened_on, id",
        [account, DEMO_DATE.isoformat()],
    ).fetchall()
    assert len(tickets) >= 3
    assert [(r[0], r[2]) for r in _section(html, "tickets")] == [(o, s or "no subject") for o, s in tickets]
    responses = demo.execute(
        "SELECT responded_on, score FROM surveys WHERE account_id = ? AND responded_on >= '2026-10-01'"
        " AND responded_on <= ? ORDER BY responded_on, id",
        [account, DEMO_DATE.isoformat()],
    ).fetchall()
    if responses:
        assert [(r[0], float(r[2])) for r in _section(html, "responses")] == [(d, float(s)) for d, s in responses]
    else:
        assert "No survey responses this quarter." in html
    assert [r[0] for r in _section(html, "goals")] == ["Admin training", "Quiet month", "Next year's rollout"]
    assert "Admin training" in markdown and "Quiet month" in markdown
    assert markdown.count("| 2026-1") >= len(tickets)  # the tickets' rows (and the usage weeks)
    assert html.count("<svg") == 4 and "<script" not in html and "<link" not in html  # self-contained
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)  # nothing to fetch
    assert "Next year&#39;s rollout" in html and "due next quarter" in html  # proposed for 2027Q1


def test_without_internal_no_health_score_or_sentiment(demo_qbr):
    _, run, write = demo_qbr
    assert run("renewal", "set", KEY, "--call", "at-risk", "--as-of", DEMO_DATE.isoformat()).code == 0
    html, markdown = write()
    for text in (html, markdown):
        lowered = text.lower()
        assert "health" not in lowered and "sentiment" not in lowered and "renewal call" not in lowered
        assert "at_risk" not in lowered and "internal" not in lowered
    html, markdown = write("--internal")
    for text in (html, markdown):
        assert "Health " in text and "CSM sentiment" in text and "renewal call at_risk" in text


def test_next_quarters_pack_says_what_changed_against_the_last_one_kept(demo_qbr, demo_path, cli, tmp_path):
    demo, run, write = demo_qbr
    html, _ = write()
    assert "This is the first review kept in the book." in html
    earlier = run("qbr", KEY, "--quarter", "2026Q3", "--out", str(tmp_path / "q3"), "--as-of", DEMO_DATE.isoformat())
    assert earlier.code == 0
    html, markdown = write()
    assert "Against the pack of 2026Q3" in html and "| Figure | 2026Q3 | 2026Q4 |" in markdown
    changes = {row[0]: row[1:] for row in _section(html, "changes")}
    assert changes["Tickets opened"][1] == str(len(_section(html, "tickets"))) + ".0"
    assert run("undo").code == 0  # the kept pack is a recorded change like any other
    assert demo.execute("SELECT count(*) FROM qbr_packs").fetchone()[0] == 1


def test_quarter_mistakes_are_one_line(demo_path, cli, tmp_path):
    for quarter, message in (("2026Q5", "is not a quarter"), ("Q4", "is not a quarter"), ("2027Q2", "has not started")):
        made = cli(
            "--db", str(demo_path), "qbr", KEY, "--quarter", quarter, "--out", str(tmp_path), "--as-of", "2026-11-24"
        )
        assert made.code == 1 and message in made.err and "Traceback" not in made.err
    assert not list(tmp_path.glob("*.html"))
    (tmp_path / "a-file").write_text("x")
    blocked = cli("--db", str(demo_path), "qbr", KEY, "--out", str(tmp_path / "a-file"), "--as-of", "2026-11-24")
    assert blocked.code == 1 and "cannot write there" in blocked.err and "Traceback" not in blocked.err


@pytest.fixture
def small_pack(book, book_path, cli, tmp_path):
    """A hand-made account with hostile text, for escaping and the chart snapshots."""
    make = BookMaker(book)
    a = make.account("H", "2026-01-01", name="Evil <script>alert(1)</script> & Co")
    make.mrr(a, "2026-01-01", 500)
    feature = make.feature("reports")
    day = date(2026, 4, 1)
    while day <= date(2026, 6, 30):
        make.usage(a, day.isoformat(), 5 + day.day % 7, 30)
        if day.day % 3 == 0:
            make.feature_use(a, day.isoformat(), feature)
        day += timedelta(days=1)
    make.survey(a, "nps", 9, "2026-05-02", comment="<img src=x onerror=alert(1)> *great* | $5 saved")
    book.execute(
        "INSERT INTO tickets (account_id, opened_on, channel, severity, closed_on, subject)"
        " VALUES (?, '2026-04-10', 'assisted', 'urgent', '2026-04-13', '<b>down</b>')",
        [a],
    )
    book.conn.commit()
    run = lambda *args: cli("--db", str(book_path), *args)  # noqa: E731
    assert run("plan", "add", "H", "--objective", "Be <b>bold</b>").code == 0
    assert (
        run(
            "plan",
            "goal",
            "add",
            "H",
            "Save $5 a $day",
            "--figure",
            "weekly_active_users",
            "--target",
            "9",
            "--start",
            "2026-04-01",
            "--due",
            "2026-06-30",
        ).code
        == 0
    )
    made = run("qbr", "H", "--quarter", "2026Q2", "--out", str(tmp_path / "q"), "--as-of", "2026-07-15")
    assert made.code == 0, made.err
    return tmp_path / "q" / "qbr-H-2026Q2.html", tmp_path / "q" / "qbr-H-2026Q2.md"


def test_book_text_is_escaped_in_html_and_markdown(small_pack):
    html = small_pack[0].read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "<b>down" not in html and "<b>bold" not in html
    assert "&lt;b&gt;down&lt;/b&gt;" in html
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    markdown = small_pack[1].read_text(encoding="utf-8")
    assert (
        not re.search(r"(?<!\\)<", markdown) and r"\<img src=x onerror=alert\(1\)\> \*great\* \| $5 saved" in markdown
    )


def test_chart_svgs_match_their_snapshots(small_pack, snapshot):
    html = small_pack[0].read_text(encoding="utf-8")
    charts = dict(re.findall(r'<div class="chart" id="chart-(\w+)">(<svg.*?</svg>)', html, re.S))
    assert sorted(charts) == ["adoption", "goals", "tickets", "usage"]
    for name in ("usage", "adoption", "tickets", "goals"):
        assert charts[name].count("<path") >= 5, name  # something drew
        assert charts[name] == snapshot(name=name)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page: Path, png: Path, profile: Path) -> None:
    """Render `page` with headless Chromium (no network, no GPU, a throwaway profile) to `png`."""
    subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--window-size=1000,3200",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_the_page_renders_with_its_charts_in_a_real_browser(small_pack, tmp_path):
    from PIL import Image

    png = tmp_path / "qbr.png"
    screenshot(small_pack[0], png, tmp_path / "profile")
    image = Image.open(png).convert("RGB")
    data = image.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3]))
    white = sum(1 for p in pixels if min(p) > 245)
    assert len(pixels) - white > 0.03 * len(pixels)  # not a blank page

    def near(colour: tuple[int, int, int]) -> int:
        return sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, colour)))

    # The charts' own colours (cstui/documents/qbr_charts.py): the usage and adoption lines and the
    # opened bars are blue, the closed bars grey (colours no other part of the page uses),
    # the missed goal's bar red.
    assert near((0x2F, 0x6D, 0xB5)) > 6000
    assert near((0x9A, 0xA4, 0xAE)) > 2000
    assert near((0xC0, 0x39, 0x2B)) > 1000


async def test_account_screen_shows_the_plan_and_q_writes_the_pack(demo_qbr, demo_path, tmp_path, monkeypatch):
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.account import AccountScreen
    from tests.tui_helpers import press, record_notifications, settle

    demo, _, _ = demo_qbr
    monkeypatch.chdir(tmp_path)
    account = demo.execute("SELECT id FROM accounts WHERE key = ?", [KEY]).fetchone()[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(account))
        await settle(pilot)
        panel = str(app.screen.query_one("#plan").render())
        assert "Cut support load" in panel and "owner Ana" in panel
        assert "missed   Admin training" in panel  # due 2026-11-15, never ticked
        seen = record_notifications(app)
        await press(pilot, "Q")
        await settle(pilot)
        assert (tmp_path / f"qbr-{KEY}-2026Q4.html").exists() and (tmp_path / f"qbr-{KEY}-2026Q4.md").exists()
        assert any("QBR pack written" in message for message, _ in seen)
    assert demo.execute("SELECT quarter FROM qbr_packs").fetchall() == [("2026Q4",)]
