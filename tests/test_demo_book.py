"""The demo book is deterministic and holds every situation the screens need."""

import hashlib
from datetime import date

from cstui.demo import write_demo_csv
from tests.conftest import DEMO_DATE


def digest(directory) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(directory.glob("*.csv")))).hexdigest()


def test_same_seed_and_date_give_the_same_bytes(tmp_path):
    assert digest(write_demo_csv(tmp_path / "a", DEMO_DATE)) == digest(write_demo_csv(tmp_path / "b", DEMO_DATE))
    assert digest(write_demo_csv(tmp_path / "c", DEMO_DATE, seed=1)) != digest(tmp_path / "a")


def test_demo_book_has_the_situations_a_csm_meets(demo):
    today = DEMO_DATE.isoformat()
    q = lambda sql, *args: demo.execute(sql, list(args)).fetchone()[0]  # noqa: E731
    assert 140 <= q("SELECT count(*) FROM accounts") <= 160
    assert q("SELECT count(*) FROM accounts WHERE churn_date IS NOT NULL") >= 10
    assert q("SELECT count(DISTINCT segment) FROM accounts") == 3
    assert q("SELECT count(*) FROM invoices WHERE paid_date IS NULL AND due_date < ?", today) >= 1
    for days in (30, 60, 90):
        assert (
            q(
                "SELECT count(*) FROM accounts WHERE churn_date IS NULL AND renewal_date > ? AND "
                "renewal_date <= date(?, ?)",
                today,
                today,
                f"+{days} days",
            )
            >= 1
        )
    assert (
        q(
            "SELECT count(*) FROM surveys WHERE kind = 'nps' AND score <= 6 AND responded_on > date(?, '-90 days')",
            today,
        )
        >= 5
    )
    assert q("SELECT count(*) FROM surveys WHERE comment IS NOT NULL AND comment != ''") > 100
    assert q("SELECT count(*) FROM tickets WHERE closed_on IS NULL AND severity IN ('high', 'urgent')") >= 1
    # every account has an MRR row from its first day, and many have changed price since
    assert (
        q(
            "SELECT count(*) FROM accounts a WHERE NOT EXISTS "
            "(SELECT 1 FROM mrr_history m WHERE m.account_id = a.id AND m.effective_date = a.start_date)"
        )
        == 0
    )
    assert q("SELECT count(*) FROM (SELECT account_id FROM mrr_history GROUP BY account_id HAVING count(*) > 1)") >= 10
    assert q("SELECT max(day) FROM usage_daily") == today
    assert date.fromisoformat(q("SELECT min(start_date) FROM accounts")) < date(2024, 1, 1)
