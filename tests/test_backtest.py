"""Backtest and retention curves on books built so that the answer is known."""

import json
import random
from datetime import date, timedelta

import pytest

from cstui.metrics.backtest import Observation, auc, evaluate, observe, suggest_weights
from cstui.metrics.health import COMPONENTS, HealthConfig
from cstui.metrics.months import month_ends
from cstui.metrics.survival import kaplan_meier, retention_curves
from tests.bookmaker import BookMaker

AS_OF = date(2026, 6, 30)


def test_auc_known_values():
    assert auc([(1, False), (2, False), (3, True), (4, True)]) == 1.0
    assert auc([(1, True), (2, True), (3, False), (4, False)]) == 0.0
    assert auc([(5, True), (5, False)]) == 0.5  # a tie counts one half
    assert auc([(1, True), (2, False), (3, True)]) == 0.5
    assert auc([(1, False), (2, False)]) is None


def test_kaplan_meier_matches_the_textbook_table_with_censoring():
    """Freireich et al. 6-MP arm (Kaplan & Meier's classic example): * = censored."""
    weeks = [
        "6",
        "6",
        "6",
        "6*",
        "7",
        "9*",
        "10",
        "10*",
        "11*",
        "13",
        "16",
        "17*",
        "19*",
        "20*",
        "22",
        "23",
        "25*",
        "32*",
        "32*",
        "34*",
        "35*",
    ]
    curve = kaplan_meier("6-MP", [(float(w.rstrip("*")), not w.endswith("*")) for w in weeks])
    expected = [(6, 0.8571), (7, 0.8067), (10, 0.7529), (13, 0.6902), (16, 0.6275), (22, 0.5378), (23, 0.4482)]
    assert [(t, round(s, 4)) for t, s in curve.steps[1:]] == expected
    assert curve.median_days == 23
    assert (curve.accounts, curve.churned) == (21, 9)
    assert curve.survival_at(12) == pytest.approx(0.7529, abs=1e-4)


def synthetic(perfect: bool, seed: int = 1) -> list[Observation]:
    """400 account-months: usage is 0 exactly when churn follows (perfect), surveys are noise."""
    rng = random.Random(seed)
    observations = []
    for account in range(40):
        churner = account % 4 == 0
        for month in range(10):
            churns_soon = churner and month >= 7
            usage = 0.0 if (churns_soon and perfect) else 100.0
            observations.append(
                Observation(
                    account,
                    date(2025, 1 + month, 28),
                    {
                        "usage": usage,
                        "adoption": None,
                        "surveys": rng.uniform(0, 100),
                        "support": 100.0,
                        "payment": None,
                        "relationship": None,
                    },
                    True,  # usage and surveys: two components with facts
                    date(2025, 12, 1) if churner else None,
                    churns_soon,
                )
            )
    return observations


def test_a_perfect_component_scores_auc_1_and_a_random_one_about_one_half():
    config = HealthConfig({key: 10.0 for key in COMPONENTS})
    result = evaluate(synthetic(perfect=True), config)
    assert result.component_auc["usage"] == 1.0
    assert 0.35 <= result.component_auc["surveys"] <= 0.65
    assert result.component_auc["support"] == 0.5  # constant: no information
    assert result.component_auc["payment"] is None  # no data at all
    only_usage = evaluate(synthetic(perfect=True), HealthConfig({**{k: 0.0 for k in COMPONENTS}, "usage": 1.0}))
    assert only_usage.auc == 1.0
    assert only_usage.churn_rate_by_band == {"green": 0.0, "yellow": None, "red": 100.0}
    # First red 3 months before the churn on 2025-12-01: at 2025-08-28.
    assert only_usage.lead_times_days == [(date(2025, 12, 1) - date(2025, 8, 28)).days] * 10
    assert only_usage.churned_while_green == []


def test_suggested_weights_find_the_informative_component():
    base = HealthConfig({**{key: 10.0 for key in COMPONENTS}, "usage": 5.0, "surveys": 50.0})
    observations = synthetic(perfect=True)
    assert evaluate(observations, base).auc < 0.95
    config, best = suggest_weights(observations, base)
    assert best == pytest.approx(1.0)
    assert config.weights["usage"] >= config.weights["surveys"] and min(config.weights.values()) >= 5
    assert evaluate(observations, config).auc == pytest.approx(1.0)


@pytest.fixture
def payment_book(book):
    """20 accounts from 2024; the 8 churners leave an invoice unpaid from exactly 90 days before they go."""
    make = BookMaker(book)
    rng = random.Random(4)
    make.weights(usage=0, adoption=0, support=0, relationship=0, surveys=10, payment=10)
    for i in range(20):
        a = make.account(f"A{i}", "2024-01-01", churn=None)
        make.invoice(a, f"{i}-0", "2024-01-15", "2024-02-14", 100, paid="2024-02-01")
        for n in range(6):  # survey noise, unrelated to churn
            make.survey(a, "nps", rng.randint(0, 10), (date(2024, 3, 1) + timedelta(days=90 * n)).isoformat())
        if i < 8:
            churn = date(2025, 3 + i, 10)
            due = churn - timedelta(days=91)
            make.invoice(a, f"{i}-1", (due - timedelta(days=30)).isoformat(), due.isoformat(), 100)
            book.execute("UPDATE accounts SET churn_date = ? WHERE id = ?", [churn.isoformat(), a])
    book.conn.commit()
    return book


def test_observe_on_a_book_where_payment_predicts_churn_exactly(payment_book):
    observations = observe(payment_book.conn, AS_OF, horizon=90)
    assert {o.as_of for o in observations} == set(month_ends(date(2024, 1, 1), AS_OF - timedelta(days=90)))
    result = evaluate(observations, HealthConfig({**{k: 0.0 for k in COMPONENTS}, "payment": 10.0}))
    assert result.component_auc["payment"] == 1.0
    assert result.auc == 1.0
    assert 0.3 <= result.component_auc["surveys"] <= 0.7
    assert result.churned_accounts == 8
    assert result.churned_observations == sum(o.churned_within for o in observations) == 24  # 3 month-ends each


def test_cli_backtest_and_weights(payment_book, book_path, tmp_path, cli):
    result = cli("health", "backtest", "--as-of", AS_OF.isoformat(), "--json", "--db", str(book_path))
    data = json.loads(result.out)["book's weights"]
    assert data["component_auc"]["payment"] == 1.0 and data["churned_accounts"] == 8
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"payment": 10, "surveys": 0}))
    both = json.loads(
        cli(
            "health",
            "backtest",
            "--as-of",
            AS_OF.isoformat(),
            "--weights",
            str(weights),
            "--json",
            "--db",
            str(book_path),
        ).out
    )
    assert both["w.json"]["auc"] == 1.0 and both["w.json"]["weights"]["surveys"] == 0
    weights.write_text(json.dumps({"vibes": 3}))
    bad = cli("health", "backtest", "--weights", str(weights), "--db", str(book_path))
    assert (bad.code, bad.err.strip()) == (
        1,
        f"cstui: {weights}: vibes: not a component (components: {', '.join(COMPONENTS)})",
    )
    refused = cli("health", "backtest", "--as-of", AS_OF.isoformat(), "--suggest", "--db", str(book_path))
    assert "ROC AUC" in refused.out and "Not applied." not in refused.out
    assert "No weights suggested: the history holds 8 churned accounts, fewer than 30" in refused.err
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cstui.readmodels.backtest.MIN_CHURNED_ACCOUNTS", 8)
        table = cli("health", "backtest", "--as-of", AS_OF.isoformat(), "--suggest", "--db", str(book_path)).out
    assert "ROC AUC" in table and "Not applied." in table
    assert payment_book.execute("SELECT value FROM health_config WHERE name = 'weight.payment'").fetchone()[0] == 10
    assert cli("health", "weights", "--set", "payment=25", "--db", str(book_path)).code == 0
    assert payment_book.execute("SELECT value FROM health_config WHERE name = 'weight.payment'").fetchone()[0] == 25
    assert cli("health", "weights", "--set", "payment=-1", "--db", str(book_path)).code == 1


def test_retention_curves_by_segment_and_cohort(book, cli, book_path):
    make = BookMaker(book)
    make.account("A", "2025-01-01", segment="SMB", churn="2025-07-01")  # 181 days, churned
    make.account("B", "2025-01-01", segment="SMB")  # censored at 545 days
    make.account("C", "2025-04-01", segment="Enterprise")
    curves = {c.group: c for c in retention_curves(book.conn, AS_OF, "segment")}
    assert set(curves) == {"all accounts", "SMB", "Enterprise"}
    assert curves["SMB"].steps == [(0.0, 1.0), (181.0, 0.5)] and curves["SMB"].median_days == 181
    assert curves["Enterprise"].steps == [(0.0, 1.0)] and curves["Enterprise"].median_days is None
    assert {c.group for c in retention_curves(book.conn, AS_OF, "cohort")} == {"all accounts", "2025Q1", "2025Q2"}
    data = json.loads(cli("health", "retention", "--as-of", AS_OF.isoformat(), "--json", "--db", str(book_path)).out)
    assert data["curves"][0]["group"] == "all accounts" and data["curves"][0]["churned"] == 1
    assert (
        cli("health", "retention", "--by", "planet", "--db", str(book_path)).err.strip()
        == "cstui: --by: 'planet' is not segment or cohort"
    )


async def test_backtest_screen_shows_the_engine_s_figures_and_saves_weights_only_when_asked(
    demo_path, demo, monkeypatch
):
    from cstui.metrics.backtest import backtest
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.backtest import BacktestScreen
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import cells, press

    _, expected = backtest(demo.conn, DEMO_DATE, 90)
    monkeypatch.setattr("cstui.readmodels.backtest.MIN_CHURNED_ACCOUNTS", expected.churned_accounts)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "b")
        assert isinstance(app.screen, BacktestScreen)
        rows = cells(app.screen.query_one("#backtest-table"))
        assert rows[0] == ["ROC AUC of (100 - score)", f"{expected.auc:.3f}", f"{app.screen.suggested.auc:.3f}"]
        suggested = app.screen.suggested.config.weights
        await press(pilot, "s", "n")
        assert demo.execute("SELECT value FROM health_config WHERE name = 'weight.usage'").fetchone()[0] == 25
        await press(pilot, "s", "y")
    saved = dict(demo.execute("SELECT name, value FROM health_config WHERE name LIKE 'weight.%'").fetchall())
    assert saved == {f"weight.{k}": v for k, v in suggested.items()}
