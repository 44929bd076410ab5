"""The trends' months computed ahead (issue 15): once the dashboard's figures are on screen, the missing
month-ends are computed in the background and stored, so the trends later read them; and a trends
screen reloaded with the same months redraws nothing."""

import pytest

from cstui.derived.stored_figures import store_months
from cstui.metrics.months import month_starts
from cstui.readmodels import views
from cstui.readmodels.months_ahead import KEPT_MONTHS, months_ahead
from cstui.storage import derived
from cstui.storage.bookfile.connection import connect
from cstui.tui.app import CstuiApp
from cstui.tui.screens.trends import TrendsScreen
from cstui.tui.widgets.charts import Chart
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle


def stored_months(path) -> list[str]:
    db = connect(path)
    try:
        return sorted(derived.load_months(db.conn))
    finally:
        db.conn.close()


async def test_the_dashboard_stores_the_trends_months_ahead_and_the_trends_read_them(demo_path, monkeypatch):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the dashboard, then its background worker
        assert len(stored_months(demo_path)) == KEPT_MONTHS

        def computed(*args, **kwargs):
            raise AssertionError("a month was computed again")

        monkeypatch.setattr("cstui.derived.health_cache.band_counts_at", computed)
        monkeypatch.setattr("cstui.derived.health_cache.snapshots.day_scores", computed)
        await press(pilot, "t")
        await press(pilot, "2")
        assert isinstance(app.screen, TrendsScreen) and app.screen.failure is None
        assert len(app.screen.points) == KEPT_MONTHS
    monkeypatch.undo()
    db = connect(demo_path)
    try:
        fresh = [p for p, _ in views._compute_months(db.conn, DEMO_DATE, month_starts(DEMO_DATE, KEPT_MONTHS))]
        assert views.trends(db.conn, DEMO_DATE, KEPT_MONTHS).points == fresh
    finally:
        db.conn.close()


async def test_no_months_are_computed_ahead_where_the_app_keeps_nothing(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert stored_months(demo_path) == []


def test_months_ahead_stop_between_months_when_asked_and_stored_ones_are_not_computed_again(demo):
    asked = []
    assert months_ahead(demo.conn, DEMO_DATE, lambda: asked.append(1) or True) is None
    assert asked == [1]  # after the first month
    assert derived.load_months(demo.conn) == {}
    ahead = months_ahead(demo.conn, DEMO_DATE, lambda: False)
    assert ahead is not None and len(ahead.months) == KEPT_MONTHS
    assert store_months(demo, ahead.version, ahead.months)
    assert months_ahead(demo.conn, DEMO_DATE, lambda: False) is None  # all stored and still valid


@pytest.mark.parametrize("size", [(160, 48)])
async def test_a_trends_reload_with_the_same_months_redraws_no_chart_and_a_range_change_redraws(demo_path, size):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        charts = list(screen.query(Chart))
        draws = [c.draws for c in charts]
        assert all(draws)
        screen.reload()
        assert not screen.is_loaded  # a reload at the same book version is waited for too
        await settle(pilot)
        assert [c.draws for c in charts] == draws
        await press(pilot, "2")
        assert len(screen.points) == 24
        assert all(c.draws > n for c, n in zip(charts, draws))
