"""What the playbook chooser and the account screen's playbook panel show."""

from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.base import Conn
from cstui.storage import reads
from cstui.storage.playbooks import Playbook, Run, list_playbooks, runs

RENEWAL_PREP_DAYS = 120  # the renewal playbook's first step comes this long before the date
ONBOARDING_DAYS = 90


@dataclass(frozen=True)
class Choice:
    playbooks: list[Playbook]  # the suggested one first
    suggested: str | None
    running: dict[str, Run]  # lower-cased playbook name -> its run still open on the account


def suggested_for(conn: Conn, account_id: int, as_of: date) -> str | None:
    """The playbook an account's dates call for: a renewal within 120 days, or its first 90 days."""
    info = reads.account(conn, account_id)
    if (
        info.renewal_date
        and as_of.isoformat() < info.renewal_date <= (as_of + timedelta(RENEWAL_PREP_DAYS)).isoformat()
    ):
        return "renewal preparation"
    if info.start_date >= (as_of - timedelta(ONBOARDING_DAYS)).isoformat():
        return "onboarding"
    return None


def choice(conn: Conn, account_id: int, as_of: date, suggested: str | None = None) -> Choice:
    """Every playbook, the suggestion first (`suggested`, e.g. a check-in rule's, else the account's),
    unless that playbook is already running on the account."""
    running = {r.playbook.lower(): r for r in runs(conn, account_id) if r.running}
    wanted = (suggested or suggested_for(conn, account_id, as_of) or "").lower()
    if wanted in running:
        wanted = ""
    books = sorted(list_playbooks(conn), key=lambda p: (p.name.lower() != wanted, p.name))
    return Choice(books, books[0].name if books and books[0].name.lower() == wanted else None, running)


def account_runs(conn: Conn, account_id: int) -> list[Run]:
    """The account's playbook runs, running ones first."""
    return sorted(runs(conn, account_id), key=lambda r: not r.running)
