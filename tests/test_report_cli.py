"""`cstui report` and `cstui health` on the demo book: every contract key, readable tables, errors."""

import json
import re

from cstui.metrics.report import portfolio_report
from tests.conftest import DEMO_DATE

CONTRACT_KEYS = {
    "as_of",
    "accounts_active",
    "nps",
    "nps_responses",
    "csat",
    "ces",
    "ces_low_effort_pct",
    "churn_rate",
    "retention_rate",
    "grr",
    "nrr",
    "cltv",
    "cltv_lifespan_capped",
    "adoption_rate",
    "engagement_score",
    "self_service_rate",
    "health",
}
NUMERIC = CONTRACT_KEYS - {"as_of", "health", "cltv_lifespan_capped"}


def test_report_json_has_every_contract_key_with_numbers(demo_path, demo, cli):
    result = cli("report", "--as-of", "2026-11-24", "--json", "--db", str(demo_path))
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report.keys() >= CONTRACT_KEYS
    for key in NUMERIC:
        assert isinstance(report[key], (int, float)), key
    assert set(report["health"]) == {"green", "yellow", "red"}
    assert all(report["health"][band] > 0 for band in ("green", "yellow", "red"))
    assert sum(report["health"].values()) == report["accounts_active"]
    assert report == json.loads(portfolio_report(demo.conn, DEMO_DATE).to_json())


def test_account_report_json_has_the_health_keys(demo_path, cli):
    report = json.loads(
        cli("report", "--account", "ACC-1001", "--as-of", "2026-11-24", "--json", "--db", str(demo_path)).out
    )
    assert {
        "nps",
        "csat",
        "ces",
        "adoption_rate",
        "engagement_score",
        "health_score",
        "health_band",
        "health_components",
    } <= report.keys()
    assert abs(sum(c["points"] for c in report["health_components"]) - report["health_score"]) < 1e-9


def test_report_table_names_windows_and_shows_undefined_as_a_dash(demo_path, cli):
    out = cli("report", "--as-of", "2026-11-24", "--db", str(demo_path)).out
    assert "NPS" in out and "[2026-08-27, 2026-11-25)" in out and "Renewals in 30d" in out
    out = cli("report", "--segment", "SMB", "--period", "2020-01-01:2020-02-01", "--db", str(demo_path)).out
    assert re.search(r"│ NPS\s+│\s+-\s+│ \[2020-01-01, 2020-02-01\)", out), out


def test_report_rejects_bad_arguments_with_one_line(demo_path, cli):
    for args, message in (
        (("--as-of", "2026-13-01"), "cstui: --as-of: '2026-13-01' is not a real calendar date"),
        (
            ("--period", "2026-02-01:2026-01-01"),
            "cstui: --period: the end 2026-01-01 must come after the start 2026-02-01",
        ),
        (("--account", "NOPE"), "cstui: account 'NOPE': no such account in the book"),
        (
            ("--segment", "Galactic"),
            "cstui: --segment: no accounts in segment 'Galactic' (segments: Enterprise, Mid-Market, SMB)",
        ),
    ):
        result = cli("report", *args, "--db", str(demo_path))
        assert (result.code, result.err.strip()) == (1, message)


def test_health_snapshot_and_explain(demo_path, demo, cli):
    result = cli("health", "snapshot", "--as-of", "2026-11-23", "--db", str(demo_path))
    assert result.code == 0 and result.out.startswith("snapshot 2026-11-23: ")
    count = demo.execute("SELECT count(*) FROM health_snapshots WHERE as_of = '2026-11-23'").fetchone()[0]
    assert result.out.strip().endswith(f"{count} accounts")
    out = cli("health", "explain", "ACC-1001", "--as-of", "2026-11-24", "--db", str(demo_path)).out
    assert "ACC-1001: health" in out and "Product usage" in out and "since 2026-11-23:" in out
