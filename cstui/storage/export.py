"""Export the book as CSV files in the import format, safe to open in a spreadsheet.

`import(export(book))` reproduces every imported table. Text cells a spreadsheet would run as a
formula (starting with =, +, -, @, tab or CR) get a leading apostrophe, and so does a cell that
already starts with apostrophes before such a character; the importer removes exactly one, so
the round trip is lossless. Files are written 0600, atomically.
"""

import csv
import io
import os
from pathlib import Path

from sqlite_utils import Database

from cstui.storage.csv_format import FORMATS, FORMULA_STARTS, FileFormat, parse_text

PRIVATE = 0o600
# One fixed SELECT per file, columns in the import format's order.
SELECTS = {
    "accounts": "SELECT key, name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason "
    "FROM accounts ORDER BY id",
    "features": "SELECT name, is_key FROM features ORDER BY id",
    "contacts": "SELECT a.key, c.name, c.email, c.role, c.phone, c.is_champion FROM contacts c "
    "JOIN accounts a ON a.id = c.account_id ORDER BY c.id",
    "mrr_history": "SELECT a.key, m.effective_date, m.mrr FROM mrr_history m "
    "JOIN accounts a ON a.id = m.account_id ORDER BY m.id",
    "invoices": "SELECT a.key, i.invoice_no, i.issued_date, i.due_date, i.amount, i.paid_date FROM invoices i "
    "JOIN accounts a ON a.id = i.account_id ORDER BY i.id",
    "surveys": "SELECT a.key, s.kind, s.score, s.responded_on, s.contact_email, s.comment, s.external_id "
    "FROM surveys s JOIN accounts a ON a.id = s.account_id ORDER BY s.id",
    "usage_daily": "SELECT a.key, u.day, u.active_users, u.minutes, u.sessions FROM usage_daily u "
    "JOIN accounts a ON a.id = u.account_id ORDER BY u.account_id, u.day",
    "feature_usage": "SELECT a.key, fu.day, f.name, fu.events FROM feature_usage fu "
    "JOIN accounts a ON a.id = fu.account_id JOIN features f ON f.id = fu.feature_id "
    "ORDER BY fu.account_id, fu.day, fu.feature_id",
    "tickets": "SELECT a.key, t.opened_on, t.channel, t.severity, t.closed_on, t.subject, t.external_id "
    "FROM tickets t JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
    "interactions": "SELECT a.key, i.occurred_on, i.kind, i.summary, i.contact_email, i.notes, i.sentiment, "
    "i.follow_up_on, i.external_id FROM interactions i JOIN accounts a ON a.id = i.account_id ORDER BY i.id",
    "tasks": "SELECT a.key, t.title, t.due_on, t.created_on, t.done_on FROM tasks t "
    "JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
    "success_plans": "SELECT a.key, p.objective, p.agreed_on, p.owner, p.done_on FROM success_plans p "
    "JOIN accounts a ON a.id = p.account_id ORDER BY p.id",
    "plan_goals": "SELECT a.key, g.title, g.figure, g.subject, g.target, g.start_on, g.due_on, g.done_on "
    "FROM plan_goals g JOIN accounts a ON a.id = g.account_id ORDER BY g.id",
    "lifecycle_stages": "SELECT name, position, expected_days FROM lifecycle_stages ORDER BY position, id",
    "account_stages": "SELECT a.key, s.stage, s.entered_on, s.set_by FROM account_stages s "
    "JOIN accounts a ON a.id = s.account_id ORDER BY s.id",
    "health_config": "SELECT name, value FROM health_config ORDER BY name",
    "checkin_rules": "SELECT name, enabled, threshold, description FROM checkin_rules ORDER BY name",
    "checkin_state": "SELECT a.key, c.day, c.action, c.snoozed_until FROM checkin_state c "
    "JOIN accounts a ON a.id = c.account_id ORDER BY c.account_id, c.day",
    "health_snapshots": "SELECT a.key, h.as_of, h.score, h.band, h.components FROM health_snapshots h "
    "JOIN accounts a ON a.id = h.account_id ORDER BY h.account_id, h.as_of",
}


def neutralise(text: str) -> str:
    """Guard a text cell against spreadsheet formula injection (undone by `csv_format.parse_text`)."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def _cell(value: object, is_text: bool) -> str:
    if value is None:
        return ""
    if is_text:
        return neutralise(str(value))
    return repr(value) if isinstance(value, float) else str(value)


def write_private(path: Path, text: str) -> Path:
    """Write `text` to `path` with mode 0600, replacing it atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, PRIVATE)
    os.replace(temporary, path)
    return path


def table_csv(db: Database, fmt: FileFormat) -> str:
    return _table_csv(db, fmt)[0]


def _table_csv(db: Database, fmt: FileFormat) -> tuple[str, int]:
    text_columns = [column.parse is parse_text for column in fmt.columns]
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator the writer quotes any cell holding \r or \n.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fmt.names)
    rows = 0
    for row in db.execute(SELECTS[fmt.table]):
        writer.writerow([_cell(value, is_text) for value, is_text in zip(row, text_columns)])
        rows += 1
    return buffer.getvalue(), rows


def export_tables(db: Database, directory: Path) -> dict[str, int]:
    """Write one CSV per importable table into `directory`; return rows written per table."""
    counts = {}
    for fmt in FORMATS:
        text, counts[fmt.table] = _table_csv(db, fmt)
        write_private(directory / f"{fmt.table}.csv", text)
    return counts
