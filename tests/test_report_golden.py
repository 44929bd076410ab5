"""`cstui report --json` is byte for byte what it was before the report became a dataclass.

The files in tests/golden/ were printed by cstui at commit ad7026b (the report as a dict) on the demo
book as of DEMO_DATE. A change to a figure's name, order or value shows here as a diff. One intended change
since: a renewal due on the report date is in the 30/60/90-day windows (issue 11), one more demo account.
And (issue 23) `health_no_score`, the accounts with no score yet: 0 as of DEMO_DATE; in the period
report (as of 2026-03-31) ACC-1066, started 2026-03-30 with one day of usage, was yellow (69.8 from
usage and support's default 100) and has no score yet.
"""

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("report-portfolio.json", ["--as-of", "2026-11-24"]),
        ("report-account.json", ["--as-of", "2026-11-24", "--account", "ACC-1001"]),
        ("report-segment.json", ["--as-of", "2026-11-24", "--segment", "SMB"]),
        ("report-period.json", ["--period", "2026-01-01:2026-04-01"]),
    ],
)
def test_report_json_is_byte_for_byte_the_dict_era_output(demo_path, cli, name, args):
    result = cli("report", *args, "--json", "--db", str(demo_path))
    assert result.code == 0, result.err
    assert result.out == (GOLDEN / name).read_text(encoding="utf-8")
