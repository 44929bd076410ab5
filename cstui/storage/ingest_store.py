"""Writes and reads for `cstui ingest`: account domains, the matching directory, ingested interactions.

`store` is the whole write side of a run, in one transaction: fill empty account domains from the
contacts' addresses, snapshot contacts and domains, classify every item, insert what matched (the
unique `ingest_key` makes a re-run add nothing), and add the offered contacts when asked.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlite_utils import Database

from cstui.ingest.files import IngestFailed, ReadOptions, read_paths
from cstui.ingest.items import Item, ItemKind, Person, Problem
from cstui.ingest.match import COMMON_PROVIDERS, Directory, Match, Verdict, classify
from cstui.sentiment import text_sentiment
from cstui.storage.bookfile.connection import write_transaction


@dataclass
class FileCounts:
    meetings: int = 0
    emails: int = 0
    already: int = 0
    internal: int = 0
    unmatched: int = 0
    skipped: int = 0  # items of the file that could not be read: not stored, listed
    moved: int = 0  # meetings already stored whose day or length changed (`store(..., refresh=True)`)


@dataclass(frozen=True)
class NewContact:
    account_key: str
    person: Person


@dataclass
class IngestResult:
    files: dict[Path, FileCounts] = field(default_factory=dict)
    internal: list[Match] = field(default_factory=list)
    unmatched: list[Match] = field(default_factory=list)
    new_contacts: list[NewContact] = field(default_factory=list)
    contacts_added: bool = False
    skipped: list[Problem] = field(default_factory=list)  # file: item: why, for each item left out
    notes: list[Problem] = field(default_factory=list)  # the parsers' warnings, one line each


def fill_account_domains(db: Database) -> None:
    """Give every account without a domain its contacts' most common one (mail providers left out)."""
    db.execute(
        """
        UPDATE accounts SET domain = (
            SELECT lower(substr(c.email, instr(c.email, '@') + 1)) AS d FROM contacts c
            WHERE c.account_id = accounts.id AND instr(c.email, '@') > 0
              AND lower(substr(c.email, instr(c.email, '@') + 1)) NOT IN (SELECT value FROM json_each(?))
            GROUP BY d ORDER BY count(*) DESC, d LIMIT 1)
        WHERE domain IS NULL OR trim(domain) = ''""",
        [json.dumps(sorted(COMMON_PROVIDERS))],
    )


def load_directory(db: Database) -> tuple[Directory, dict[str, int]]:
    """Contacts' addresses and account domains (lower case) by account key, and each key's id."""
    contacts: dict[str, list[str]] = {}
    for email, key in db.execute(
        "SELECT lower(trim(c.email)), a.key FROM contacts c JOIN accounts a ON a.id = c.account_id"
        " WHERE c.email LIKE '%@%' ORDER BY a.key"
    ):
        contacts.setdefault(email, []).append(key)
    domains: dict[str, list[str]] = {}
    ids: dict[str, int] = {}
    for key, account, domain in db.execute("SELECT key, id, lower(trim(domain)) FROM accounts ORDER BY key"):
        ids[key] = account
        if domain and domain not in COMMON_PROVIDERS:
            domains.setdefault(domain, []).append(key)
    return Directory(
        {e: tuple(dict.fromkeys(k)) for e, k in contacts.items()}, {d: tuple(k) for d, k in domains.items()}
    ), ids


def _refresh(db: Database, item: Item) -> bool:
    """Move a stored meeting to the day and length its calendar now gives; True when it changed."""
    cursor = db.execute(
        "UPDATE interactions SET occurred_on = ?, duration_minutes = ? WHERE ingest_key = ? AND kind = 'meeting'"
        " AND (occurred_on IS NOT ? OR duration_minutes IS NOT ?)",
        [item.occurred_on.isoformat(), item.minutes, item.key, item.occurred_on.isoformat(), item.minutes],
    )
    return cursor.rowcount == 1


def _insert(db: Database, account: int, match: Match, reviewed: bool) -> bool:
    """Insert one ingested interaction (unreviewed unless `reviewed`); False when it is already in the book."""
    item: Item = match.item
    cursor = db.execute(
        "INSERT INTO interactions (account_id, occurred_on, kind, summary, contact_email, notes, text_sentiment,"
        " ingest_key, participants, duration_minutes, reviewed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [
            account,
            item.occurred_on.isoformat(),
            item.kind.value,
            item.summary,
            match.contact_email,
            item.notes,
            text_sentiment(item.summary, item.notes),
            item.key,
            ", ".join(p.email for p in item.participants),
            item.minutes,
            int(reviewed),
        ],
    )
    return cursor.rowcount == 1


def _add_contact(db: Database, account: int, person: Person) -> None:
    db.execute(
        "INSERT INTO contacts (account_id, name, email) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [account, person.label, person.email],
    )


def store(
    db: Database,
    items: dict[Path, list[Item]],
    me: str | None,
    *,
    add_contacts: bool,
    reviewed: bool = False,
    refresh: bool = False,
) -> IngestResult:
    """Classify and write every item in one transaction; see the module docstring.

    `cstui sync` passes `reviewed` (a source not set to --review: its items skip the inbox review)
    and `refresh` (a meeting already stored that its calendar moved is moved too). Inside an open
    transaction (a sync's) the writes join its change."""
    result = IngestResult(contacts_added=add_contacts)
    offered: dict[tuple[str, str], NewContact] = {}
    files = ", ".join(sorted(path.name for path in items)) or "nothing"
    with write_transaction(db, change=f"ingest {files[:100]}", source="import"):  # listed in history, undoable
        fill_account_domains(db)
        directory, ids = load_directory(db)
        for path, found in items.items():
            counts = result.files.setdefault(path, FileCounts())
            for item in found:
                match = classify(item, directory, me)
                if match.verdict is Verdict.INTERNAL:
                    counts.internal += 1
                    result.internal.append(match)
                    continue
                if match.verdict is Verdict.UNMATCHED:
                    counts.unmatched += 1
                    result.unmatched.append(match)
                    continue
                account_key = cast(str, match.account_key)  # matched: classify named the account
                if not _insert(db, ids[account_key], match, reviewed):
                    if refresh and item.kind is ItemKind.MEETING and _refresh(db, item):
                        counts.moved += 1
                    else:
                        counts.already += 1
                elif item.kind is ItemKind.MEETING:
                    counts.meetings += 1
                else:
                    counts.emails += 1
                for person in match.new_contacts:
                    offered.setdefault((account_key, person.email), NewContact(account_key, person))
        result.new_contacts = sorted(offered.values(), key=lambda c: (c.account_key, c.person.email))
        if add_contacts:
            for contact in result.new_contacts:
                _add_contact(db, ids[contact.account_key], contact.person)
    return result


def ingest_paths(
    db: Database, paths: list[Path], options: ReadOptions, me: str | None, *, add_contacts: bool = False
) -> IngestResult:
    """Read every file, then store every item that could be read, in one change.

    A path or file that cannot be read rejects the whole run before anything is written; an event
    or message that cannot be read is left out and listed in `skipped`, the rest stored."""
    reads, problems = read_paths(paths, options)
    if problems:
        raise IngestFailed(problems)
    result = store(db, {path: read.items for path, read in reads.items()}, me, add_contacts=add_contacts)
    for path, read in reads.items():
        result.files[path].skipped = len(read.skipped)
        result.skipped += read.skipped
        result.notes += read.notes
    return result
