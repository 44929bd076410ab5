"""Export the book as CSV files in the import format, safe to open in a spreadsheet.

`import(export(book))` reproduces every table the CSM owns (docs/book.md lists each table and
what export does with it); links between rows (a task's note and playbook run, a note's contact)
are written as the linked row's number in its file. Text cells a spreadsheet would run as a
formula (starting with =, +, -, @, tab or CR) get a leading apostrophe, and so does a cell that
already starts with apostrophes before such a character; the importer removes exactly one, so
the round trip is lossless. Files are written 0600, atomically.
"""

import csv
import io
import json
import os
import shutil
from pathlib import Path

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.imports.csv_format import FORMATS, FileFormat, formula_risk, parse_key, parse_text

PRIVATE = 0o600
# The file that marks a folder as written by `cstui export`: only such a folder (or an empty or new
# one) is written into, so an export never replaces a user's own files.
MANIFEST = "cstui-export.json"
# Each row's number in its file, and the row of another file a link names by that number.
_REF = "row_number() OVER (ORDER BY {alias}.id)"
_CONTACT_REFS = "(SELECT id, row_number() OVER (ORDER BY id) AS ref FROM contacts)"
_NOTE_REFS = "(SELECT id, row_number() OVER (ORDER BY id) AS ref FROM interactions)"
_RUN_REFS = "(SELECT id, row_number() OVER (ORDER BY id) AS ref FROM playbook_runs)"
# One fixed SELECT per file, columns in the import format's order. Rows go out in id order (an
# import into a new book gives them ids in the same order), or by name where ids may differ.
SELECTS = {
    "accounts": "SELECT key, name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason, domain "
    "FROM accounts ORDER BY id",
    "features": "SELECT name, is_key FROM features ORDER BY id",
    "contacts": "SELECT a.key, c.name, c.email, c.role, c.phone, c.is_champion, c.left_on, "
    + _REF.format(alias="c")
    + " FROM contacts c JOIN accounts a ON a.id = c.account_id ORDER BY c.id",
    "mrr_history": "SELECT a.key, m.effective_date, m.mrr FROM mrr_history m "
    "JOIN accounts a ON a.id = m.account_id ORDER BY m.id",
    "invoices": "SELECT a.key, i.invoice_no, i.issued_date, i.due_date, i.amount, i.paid_date FROM invoices i "
    "JOIN accounts a ON a.id = i.account_id ORDER BY i.id",
    "usage_daily": "SELECT a.key, u.day, u.active_users, u.minutes, u.sessions FROM usage_daily u "
    "JOIN accounts a ON a.id = u.account_id ORDER BY u.account_id, u.day",
    "feature_usage": "SELECT a.key, fu.day, f.name, fu.events FROM feature_usage fu "
    "JOIN accounts a ON a.id = fu.account_id JOIN features f ON f.id = fu.feature_id "
    "ORDER BY fu.account_id, fu.day, fu.feature_id",
    "tickets": "SELECT a.key, t.opened_on, t.channel, t.severity, t.closed_on, t.subject, t.external_id "
    "FROM tickets t JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
    "interactions": "SELECT a.key, i.occurred_on, i.kind, i.summary, i.contact_email, i.notes, i.sentiment, "
    "i.follow_up_on, i.external_id, i.source, "
    + _REF.format(alias="i")
    + ", cr.ref, i.ingest_key, i.participants, i.duration_minutes, i.reviewed "
    f"FROM interactions i JOIN accounts a ON a.id = i.account_id LEFT JOIN {_CONTACT_REFS} cr "
    "ON cr.id = i.contact_id ORDER BY i.id",
    "surveys": "SELECT a.key, s.kind, s.score, s.responded_on, s.contact_email, s.comment, s.external_id, "
    f"s.source, n.ref FROM surveys s JOIN accounts a ON a.id = s.account_id LEFT JOIN {_NOTE_REFS} n "
    "ON n.id = s.interaction_id ORDER BY s.id",
    "playbooks": "SELECT name, anchor, description FROM playbooks ORDER BY name",
    "playbook_steps": "SELECT p.name, s.offset_days, s.title FROM playbook_steps s "
    "JOIN playbooks p ON p.id = s.playbook_id ORDER BY p.name, s.offset_days, s.title",
    "playbook_runs": "SELECT "
    + _REF.format(alias="r")
    + ", a.key, p.name, r.playbook_name, r.started_on, r.anchor_date, r.rule FROM playbook_runs r "
    "JOIN accounts a ON a.id = r.account_id LEFT JOIN playbooks p ON p.id = r.playbook_id ORDER BY r.id",
    "tasks": "SELECT a.key, t.title, t.due_on, t.created_on, t.done_on, n.ref, r.ref FROM tasks t "
    f"JOIN accounts a ON a.id = t.account_id LEFT JOIN {_NOTE_REFS} n ON n.id = t.interaction_id "
    f"LEFT JOIN {_RUN_REFS} r ON r.id = t.playbook_run_id ORDER BY t.id",
    "renewal_calls": "SELECT a.key, c.renewal_date, c.call, c.expected_arr, c.reason, c.called_on "
    "FROM renewal_calls c JOIN accounts a ON a.id = c.account_id ORDER BY c.id",
    "import_profiles": "SELECT name, body, saved_on FROM import_profiles ORDER BY name",
    "success_plans": "SELECT a.key, p.objective, p.agreed_on, p.owner, p.done_on FROM success_plans p "
    "JOIN accounts a ON a.id = p.account_id ORDER BY p.id",
    "plan_goals": "SELECT a.key, g.title, g.figure, g.subject, g.target, g.start_on, g.due_on, g.done_on "
    "FROM plan_goals g JOIN accounts a ON a.id = g.account_id ORDER BY g.id",
    "lifecycle_stages": "SELECT name, position, expected_days FROM lifecycle_stages ORDER BY position, id",
    "account_stages": "SELECT a.key, s.stage, s.entered_on, s.set_by FROM account_stages s "
    "JOIN accounts a ON a.id = s.account_id ORDER BY s.id",
    "health_config": "SELECT name, value FROM health_config ORDER BY name",
    "checkin_rules": "SELECT name, enabled, threshold, description FROM checkin_rules ORDER BY name",
    "checkin_state": "SELECT a.key, c.day, c.action, c.snoozed_until, c.fingerprint FROM checkin_state c "
    "JOIN accounts a ON a.id = c.account_id ORDER BY c.account_id, c.day",
    "health_snapshots": "SELECT a.key, h.as_of, h.score, h.band, h.components FROM health_snapshots h "
    "JOIN accounts a ON a.id = h.account_id ORDER BY h.account_id, h.as_of",
}


def neutralise(text: str) -> str:
    """Guard a text cell against spreadsheet formula injection (undone by `csv_format.parse_text`)."""
    return "'" + text if formula_risk(text) else text


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


def table_csv(db: Database, fmt: FileFormat) -> tuple[str, int]:
    """One table of the book as its CSV file's text, and the number of rows written."""
    text_columns = [column.parse in (parse_text, parse_key) for column in fmt.columns]
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator the writer quotes any cell holding \r or \n.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fmt.names)
    rows = 0
    for row in db.execute(SELECTS[fmt.table]):
        writer.writerow([_cell(value, is_text) for value, is_text in zip(row, text_columns)])
        rows += 1
    return buffer.getvalue(), rows


def check_export_folder(directory: Path) -> None:
    """Refuse a folder that holds anything while it is not one `cstui export` wrote (its manifest)."""
    shown = visible(directory, one_line=True)
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{shown}: not a folder (export writes a folder of CSV files)")
    if directory.is_dir() and not (directory / MANIFEST).is_file() and any(directory.iterdir()):
        raise UserError(
            f"{shown}: the folder is not empty and was not written by cstui export (no {MANIFEST});"
            " nothing was written: export into a new or empty folder"
        )


def export_tables(db: Database, directory: Path) -> dict[str, int]:
    """Write one CSV per importable table into `directory`, and the manifest that marks it as an
    export; return rows written per table. A folder not written by cstui is refused first.

    A write that fails (a full disk) takes back this run's files (and the folder, if it made it)
    and names the folder, not the book: a partial export would pass for a whole one."""
    check_export_folder(directory)
    counts = {}
    made = not directory.exists()
    written: list[Path] = []
    try:
        for fmt in FORMATS:
            text, counts[fmt.table] = table_csv(db, fmt)
            written.append(write_private(directory / f"{fmt.table}.csv", text))
        manifest = {"cstui_export": 1, "files": {f"{table}.csv": rows for table, rows in counts.items()}}
        written.append(write_private(directory / MANIFEST, json.dumps(manifest, indent=2) + "\n"))
    except OSError as error:
        for path in [*written, *(directory / f".{fmt.table}.csv.tmp" for fmt in FORMATS)]:
            path.unlink(missing_ok=True)
        if made:
            shutil.rmtree(directory, ignore_errors=True)
        if error.filename:  # a folder or file it may not write: named by the error itself
            raise
        raise UserError(
            f"{visible(directory, one_line=True)}: cannot write the export ({error.strerror or error}); "
            "no file of it was left there, and the book is unchanged"
        ) from None
    return counts
