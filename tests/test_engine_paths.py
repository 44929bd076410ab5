"""The engine's shortcuts (issue 15) give exactly the figures of the long way round.

Speed is measured in bench/, not here; what is tested is that every shortcut changes nothing: the same
report with the breakdowns passed in or not, each query run once, old and new formulas alike.
"""

from datetime import date

import pytest

from cstui.metrics import report as report_module
from cstui.metrics.base import EVERYONE, Scope
from cstui.metrics.health import Scored, health_for_accounts
from cstui.metrics.report import portfolio_report
from tests.conftest import DEMO_DATE


@pytest.fixture
def usage_reads(monkeypatch) -> list[date]:
    """Every call of usage_by_account made by the report, by window start."""
    calls: list[date] = []
    real = report_module.usage_by_account

    def counted(conn, window, scope=EVERYONE):
        calls.append(window.start)
        return real(conn, window, scope)

    monkeypatch.setattr(report_module, "usage_by_account", counted)
    return calls


def test_the_report_reads_usage_once_when_given_the_breakdowns(demo, usage_reads):
    health = health_for_accounts(demo.conn, DEMO_DATE)
    assert isinstance(health, Scored)
    portfolio_report(demo.conn, DEMO_DATE, health=health)
    assert usage_reads == []  # the breakdowns carry the usage they were scored from


@pytest.mark.parametrize("segment", [None, "SMB"])
def test_the_report_is_the_same_with_the_breakdowns_passed_in_or_not(demo, segment):
    scope = Scope(segment=segment)
    alone = portfolio_report(demo.conn, DEMO_DATE, scope=scope).to_json()
    health = health_for_accounts(demo.conn, DEMO_DATE, scope)
    assert portfolio_report(demo.conn, DEMO_DATE, scope=scope, health=health).to_json() == alone
    assert portfolio_report(demo.conn, DEMO_DATE, scope=scope, health=dict(health)).to_json() == alone


def test_breakdowns_of_another_day_or_segment_do_not_lend_their_usage(demo, usage_reads):
    other_day = health_for_accounts(demo.conn, date(2026, 10, 1))
    portfolio_report(demo.conn, DEMO_DATE, health=other_day)
    one_segment = health_for_accounts(demo.conn, DEMO_DATE, Scope(segment="SMB"))
    portfolio_report(demo.conn, DEMO_DATE, health=one_segment)
    assert len(usage_reads) == 2
