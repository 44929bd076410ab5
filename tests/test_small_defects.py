"""Issue 11's smaller defects of the health explanation and the renewal windows, with hand-made values."""

from datetime import date

from cstui.metrics.bands import Band
from cstui.metrics.health import Breakdown, Component, what_changed
from cstui.metrics.revenue import renewals_due
from tests.bookmaker import BookMaker


def breakdown(score: float, parts: list[tuple[str, float | None, float, float]]) -> Breakdown:
    """parts: (label, component score, share %, points)."""
    components = [
        Component(label.lower(), label, "", value, weight=share, share=share, points=points)
        for label, value, share, points in parts
    ]
    return Breakdown(1, "2026-11-24", score, Band.YELLOW, components)


def test_the_driver_moves_the_way_the_score_moved_and_a_reshare_is_named():
    # Before: usage 60 (share 50), support 80 (share 50), no survey -> 30 + 40 = 70.
    before = breakdown(70.0, [("Usage", 60.0, 50.0, 30.0), ("Support", 80.0, 50.0, 40.0), ("Surveys", None, 0.0, 0.0)])
    # After a first (bad) survey the shares are re-shared 40/40/20: usage 24, support 32, surveys 20*66.5% = 13.3.
    after = breakdown(69.3, [("Usage", 60.0, 40.0, 24.0), ("Support", 80.0, 40.0, 32.0), ("Surveys", 66.5, 20.0, 13.3)])
    change = what_changed(before, after)
    assert round(change.delta or 0, 1) == -0.7
    # Surveys moved most (+13.3) but upward; the score fell, so the driver is Support (-8.0).
    assert change.driver is not None and change.driver.label == "Support" and round(change.driver.delta, 1) == -8.0
    assert change.reshared == ["Surveys has data now"]
    assert change.explanation() == "biggest driver: Support -8.0; weights re-shared (Surveys has data now)"


def test_display_points_never_exceed_the_shown_weight_share():
    # Support 100 with share 17.647 carries 17.647 points; largest remainder used to show 17.7 > 17.6.
    shares = [17.647, 17.647, 17.647, 17.647, 17.647, 11.765]
    scores = [100.0, 50.0, 50.0, 50.0, 50.0, 0.0]
    points = [s * v / 100 for s, v in zip(shares, scores)]
    parts = [(f"C{i}", v, s, p) for i, (v, s, p) in enumerate(zip(scores, shares, points))]
    shown = breakdown(round(sum(points), 1), parts).rounded_points()
    assert round(sum(shown), 1) == round(sum(points), 1)  # still adds up to the score shown
    assert all(p <= round(s, 1) for p, s in zip(shown, shares))
    assert shown[0] == 17.6


def test_a_renewal_due_today_is_in_the_30_day_window(book):
    make = BookMaker(book)
    today = make.account("TODAY", "2025-01-01", renewal="2026-11-24")
    later = make.account("LATER", "2025-01-01", renewal="2026-12-24")
    make.account("PAST", "2025-01-01", renewal="2026-11-23")
    for account in (today, later):
        make.mrr(account, "2025-01-01", 100.0)
    due = renewals_due(book.conn, date(2026, 11, 24), 30)
    assert [(r.account_id, r.renewal_date, r.arr) for r in due] == [
        (today, "2026-11-24", 1200.0),
        (later, "2026-12-24", 1200.0),
    ]


def test_explain_and_report_show_the_same_points_for_every_component(demo_path, cli):
    """`health explain` and `report --account` used to round one component 5.1 and 5.0."""

    def points(text: str) -> list[str]:
        rows = [line.split("│") for line in text.splitlines() if line.count("│") >= 6]
        return [cells[5].strip() for cells in rows if cells[5].strip() and cells[5].strip() != "points"]

    for key in ("ACC-1001", "ACC-1010", "ACC-1047"):
        explain = cli("health", "explain", key, "--as-of", "2026-11-24", "--db", str(demo_path)).out
        report = cli("report", "--account", key, "--as-of", "2026-11-24", "--db", str(demo_path)).out
        assert points(explain) and points(explain) == points(report)
