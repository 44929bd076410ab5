"""Search everything the book says, over the `search_index` FTS5 table (migration 0009).

The FTS5 query syntax works as written: phrases in double quotes, `prefix*`, `AND`, `OR`, `NOT`,
`NEAR(...)`, `title:` / `body:` column filters. Words a user types with punctuation in them
(`o'brien`, `acme-corp`, `c++`) are not FTS5 syntax; when the raw query does not parse, each word
is quoted as a phrase and the query is tried again, keeping the operators and parentheses. Only a
query that is wrong either way (an unbalanced quote or parenthesis, an operator with nothing on
one side) is a `UserError`, named in one line; an FTS5 traceback never reaches the user.

A query with many matches (a common word) is not ranked: scoring every match with bm25 grows with the
book (a whole word like "renewal" matches a tenth of a large book). Up to `COMMON` matches, counted with
a bounded count, they are ranked by bm25; past it the last entered `limit` matches are taken (FTS5
reads its index newest rowid first and stops at the limit) and shown newest day first. `find` says
which (`Order`), so the screen and the CLI can tell the user.

Each hit carries the raw snippet and the offsets of the matched words in it;
`Hit.shown()` gives the same with control characters written out (`safe_text.visible`), the offsets
moved to match, so the CLI and the TUI highlight words in text that is safe to show.
"""

import heapq
import json
import re
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage import resolve

DEFAULT_LIMIT = 100
# A query is a few words: past these caps it is refused (see `_check_size`).
MAX_TERMS = 50
MAX_QUERY_CHARS = 1_000
# A query with at least this many matches is common: the last entered matches are taken instead of the
# best by bm25. The last entered are not the newest by date in a book imported account by account (the
# demo's "renewal" would show the last 26 accounts' notes only), so ranking is kept as long as it is cheap.
# Measured on the bench book (10,000 accounts, 362,000 indexed records, idle machine): ranking a word in
# 1,000 records takes 10 ms, 2,000 13 ms, 5,000 25 ms, 8,000 35 ms, 11,500 68 ms; the last entered 5 ms
# at any count. Under 5,000 a keystroke stays well inside the 50 ms of issue 15; see docs/book.md.
COMMON = 5_000
SNIPPET_TOKENS = 12
# Marks around matched words in snippet(); a record whose text holds them itself is shown unmarked.
OPEN, CLOSE = "\x02", "\x03"
ELLIPSIS = "…"
OPERATORS = frozenset({"AND", "OR", "NOT"})
# Messages SQLite gives for a query FTS5 cannot read (as opposed to a locked or damaged book).
QUERY_ERRORS = ("fts5:", "unterminated string", "unknown special query")
# A quoted phrase, a parenthesis, or a run of anything else.
_QUERY_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"]+')

Span = tuple[int, int]


class Kind(StrEnum):
    """What a hit is; the values are those of `search_index.kind`."""

    ACCOUNT = "account"
    CONTACT = "contact"
    NOTE = "note"
    SURVEY = "survey"
    TICKET = "ticket"
    TASK = "task"


# The code of each kind in the index's rowid (record id * 8 + code, migration 0009): filtering on the rowid
# needs no read of the stored row, as `kind = ?` does for every match.
KIND_CODES = {Kind.ACCOUNT: 1, Kind.CONTACT: 2, Kind.NOTE: 3, Kind.SURVEY: 4, Kind.TICKET: 5, Kind.TASK: 6}


class Order(StrEnum):
    """How the hits of a query were chosen and ordered."""

    BEST = "best"  # by bm25 (a headline match weighs twice a body match), the newest day first among equals
    NEWEST = "newest"  # a common query: the last entered matches, newest day first


@dataclass(frozen=True)
class Hit:
    """One record that matches: which account, what it is, and the words around the match."""

    kind: Kind
    account_id: int
    account_key: str
    account_name: str
    record_id: int
    day: str | None
    title: str  # the record's headline (summary, subject, name), raw book text
    snippet: str  # raw book text around the match, with … where it was cut
    matches: tuple[Span, ...]  # (start, end) of each matched word in `snippet`

    def shown(self) -> tuple[str, tuple[Span, ...]]:
        """The snippet on one line with every control character written out, and the matches in it."""
        parts: list[str] = []
        spans: list[Span] = []
        position = 0
        for start, end in self.matches:
            parts.append(visible(self.snippet[position:start], one_line=True))
            begin = sum(map(len, parts))
            parts.append(visible(self.snippet[start:end], one_line=True))
            spans.append((begin, begin + len(parts[-1])))
            position = end
        parts.append(visible(self.snippet[position:], one_line=True))
        return "".join(parts), tuple(spans)


@dataclass(frozen=True)
class Found:
    """The hits of a query and how they were chosen (`Order.NEWEST`: more matches than were ranked)."""

    hits: list[Hit]
    order: Order
    counted: int = 0  # the matches counted, up to COMMON (the query has at least this many); 0 if not counted


@dataclass(frozen=True)
class AccountHits:
    """The hits of one account, best first; accounts come in the order of their best hit."""

    account_id: int
    account_key: str
    account_name: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class AccountName:
    """An account as the command palette lists it."""

    account_id: int
    key: str
    name: str
    churned: bool


def search(
    conn: sqlite3.Connection,
    query: str,
    account: str | None = None,
    kind: Kind | str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Hit]:
    """The records matching `query` (FTS5 syntax, or plain words), as `find` chooses and orders them."""
    return find(conn, query, account, kind, limit).hits


def find(
    conn: sqlite3.Connection,
    query: str,
    account: str | None = None,
    kind: Kind | str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Found:
    """The records matching `query` (FTS5 syntax, or plain words): the best by bm25 first, or, for a
    query with `COMMON` matches or more (outside one account), the last entered, newest day first.

    `account` is an account key (any case), `kind` one of `Kind`. An empty query finds nothing.
    """
    text = query.strip()
    kind_value = _check_kind(kind)
    account_id = _account_id(conn, account) if account is not None else None
    if not text:
        return Found([], Order.BEST)
    _check_size(text)
    _check_balanced(text)
    try:
        return _run(conn, text, account_id, kind_value, limit)
    except sqlite3.OperationalError as error:
        if not _is_query_error(error, text):
            raise
    quoted = quote_words(text)
    if not quoted:
        return Found([], Order.BEST)
    try:
        return _run(conn, quoted, account_id, kind_value, limit)
    except sqlite3.OperationalError as error:
        if not _is_query_error(error, quoted):
            raise
        detail = str(error).removeprefix("fts5: ")
        raise UserError(
            f"search: cannot read '{visible(text, one_line=True)}' ({detail}); AND, OR and NOT go between "
            'words, a phrase goes in double quotes: "renewal call" OR pricing'
        ) from None


def by_account(hits: list[Hit]) -> list[AccountHits]:
    """Group hits by account, keeping the order of each account's best hit."""
    groups: dict[int, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.account_id, []).append(hit)
    return [
        AccountHits(group[0].account_id, group[0].account_key, group[0].account_name, tuple(group))
        for group in groups.values()
    ]


def account_names(conn: sqlite3.Connection) -> list[AccountName]:
    """Every account's key and name, for jumping to one by name."""
    rows = conn.execute("SELECT id, key, name, churn_date IS NOT NULL FROM accounts ORDER BY name, key")
    return [AccountName(account_id, key, name, bool(churned)) for account_id, key, name, churned in rows]


def quote_words(query: str) -> str:
    """The query with each word made a quoted phrase; operators, parentheses and a trailing * kept."""
    parts = []
    for token in _QUERY_TOKEN.findall(query):
        if token in OPERATORS or token in ("(", ")") or token.startswith('"'):
            parts.append(token)
            continue
        stem, star = (token[:-1], "*") if token.endswith("*") else (token, "")
        stem = stem.strip("*")
        if stem:
            parts.append(f'"{stem}"{star}')
    return " ".join(parts)


def _check_kind(kind: Kind | str | None) -> Kind | None:
    if kind is None:
        return None
    try:
        return Kind(str(kind).lower())
    except ValueError:
        raise UserError(
            f"search: kind '{visible(kind, one_line=True)}' is not one of {', '.join(k.value for k in Kind)}"
        ) from None


def _account_id(conn: sqlite3.Connection, key: str) -> int:
    try:
        return resolve.account_id(conn, key)
    except UserError as error:
        raise UserError(f"search: {error}") from None


def _check_size(query: str) -> None:
    """FTS5's time grows with the square of a query's terms (300 words 0.8 s, 1,000 words 5 s): a
    pasted paragraph is refused at once, naming the cap, instead of freezing the search."""
    terms = len(_QUERY_TOKEN.findall(query))
    if terms > MAX_TERMS or len(query) > MAX_QUERY_CHARS:
        raise UserError(
            f"search: at most {MAX_TERMS} words and {MAX_QUERY_CHARS:,} characters "
            f"(this query has {terms:,} words, {len(query):,} characters)"
        )


def _check_balanced(query: str) -> None:
    """An odd quote or parenthesis is a typo no rewriting can guess the meaning of."""
    shown = visible(query, one_line=True)
    if query.count('"') % 2:
        raise UserError(f"search: unbalanced quote in '{shown}'")
    depth = 0
    for token in _QUERY_TOKEN.findall(query):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            break
    if depth:
        raise UserError(f"search: unbalanced parenthesis in '{shown}'")


def _is_query_error(error: sqlite3.OperationalError, match: str) -> bool:
    """True for FTS5's complaints about the query; "no such column" only for a word of the query
    (FTS5 reads `word:` and `-word` as column filters), not for a mistake in the SQL above."""
    message = str(error)
    if message.startswith("no such column: "):
        return message.removeprefix("no such column: ").lower() in match.lower()
    return message.startswith(QUERY_ERRORS)


# What each searchable table puts in the index, as the insert triggers of migrations 0009/0016 do:
# (rowid, kind, account_id, record_id, day, title, body) and which rows have text to index.
_INDEXED = {
    "accounts": ("id * 8 + 1, 'account', id, id, NULL, name, key", "1"),
    "contacts": ("id * 8 + 2, 'contact', account_id, id, NULL, name, NULL", "1"),
    "interactions": ("id * 8 + 3, 'note', account_id, id, occurred_on, summary, notes", "1"),
    "surveys": ("id * 8 + 4, 'survey', account_id, id, responded_on, NULL, comment", "trim(ifnull(comment, '')) <> ''"),
    "tickets": ("id * 8 + 5, 'ticket', account_id, id, opened_on, subject, NULL", "trim(ifnull(subject, '')) <> ''"),
    "tasks": ("id * 8 + 6, 'task', account_id, id, due_on, title, NULL", "1"),
}


def index_inserts(conn: sqlite3.Connection, table: str, after: int) -> None:
    """Index the rows of `table` with an id above `after`, in one statement: what the insert
    triggers do row by row, for a bulk change (an import), where they stay silent. An FTS5 insert
    from a trigger writes an index segment per row; one INSERT ... SELECT writes one per batch.
    OR REPLACE: a row an update trigger already indexed is written once."""
    if table not in _INDEXED:
        return
    columns, has_text = _INDEXED[table]
    conn.execute(
        "INSERT OR REPLACE INTO search_index (rowid, kind, account_id, record_id, day, title, body)"
        f" SELECT {columns} FROM {table} WHERE id > ? AND {has_text}",
        [after],
    )


# The filters every query below shares: the kind by its code in the rowid, the account by the stored
# row (read only when an account is asked for).
_FILTERS = """
       AND (:code IS NULL OR search_index.rowid % 8 = :code)
       AND (:account IS NULL OR search_index.account_id = :account)"""
# At most :common matches counted: enough to tell a common query from a rare one, at any book size.
_COUNT = f"""
    SELECT count(*) FROM (
        SELECT 1 FROM search_index WHERE search_index MATCH :match {_FILTERS} LIMIT :common)"""
# The last entered matches: FTS5 reads its index from the highest rowid and stops at the limit,
# scoring nothing.
_NEWEST = f"""
    SELECT rowid FROM search_index WHERE search_index MATCH :match {_FILTERS}
     ORDER BY rowid DESC LIMIT :limit"""
# Ranking reads only each match's rowid and bm25 score (a headline match weighs twice a body
# match); `day`, the tie-break, is read for the rows tied at the cut only, and the text around the
# match (snippet) for the rows shown only. Reading `day` and writing a snippet for every match
# (every note under `the` or `re*`) cost ten times the ranking itself.
_SCORED = f"""
    SELECT rowid, bm25(search_index, 0, 0, 0, 0, 2.0, 1.0)
      FROM search_index
     WHERE search_index MATCH :match {_FILTERS}"""
_DAYS = "SELECT rowid, day FROM search_index WHERE rowid IN (SELECT value FROM json_each(:ids))"
# The shown rows, read in one pass over the matches between the first and last shown rowid (`+rowid`
# keeps the list out of FTS5's hands: it would run the query again for each rowid).
_SHOWN = """
    SELECT search_index.rowid, search_index.kind, search_index.account_id, a.key, a.name, record_id, day,
           ifnull(title, ''),
           instr(ifnull(title, '') || ifnull(body, ''), :open) = 0
               AND instr(ifnull(title, '') || ifnull(body, ''), :close) = 0 AS unmarked,
           CASE WHEN instr(ifnull(title, '') || ifnull(body, ''), :open) = 0
                     AND instr(ifnull(title, '') || ifnull(body, ''), :close) = 0
                THEN snippet(search_index, -1, :open, :close, :more, :tokens)
                ELSE snippet(search_index, -1, '', '', :more, :tokens) END
      FROM search_index
      JOIN accounts a ON a.id = search_index.account_id
     WHERE search_index MATCH :match
       AND search_index.rowid BETWEEN :first AND :last
       AND +search_index.rowid IN (SELECT value FROM json_each(:ids))"""


def _count(conn: sqlite3.Connection, params: dict[str, object]) -> int:
    """How many matches the query has, counted up to `COMMON`."""
    (count,) = conn.execute(_COUNT, {**params, "common": COMMON}).fetchall()[0]
    return int(count)


def _days(conn: sqlite3.Connection, rowids: list[int]) -> dict[int, str | None]:
    return dict(conn.execute(_DAYS, {"ids": json.dumps(rowids)}).fetchall())


def _best(conn: sqlite3.Connection, params: dict[str, object], limit: int) -> list[int]:
    """The rowids of the best `limit` matches: lowest bm25 first, the newest day first among equals."""
    scored = conn.execute(_SCORED, params).fetchall()
    if limit <= 0:
        return []
    if len(scored) > limit:
        cut = heapq.nsmallest(limit, scored, key=itemgetter(1))[-1][1]
        scored = [row for row in scored if row[1] <= cut]  # every row tied at the cut competes on day
    days = _days(conn, [rowid for rowid, _ in scored])
    # Sorted by day descending (NULL last, as SQLite orders), then stably by score ascending.
    scored.sort(key=lambda row: days[row[0]] or "", reverse=True)
    scored.sort(key=itemgetter(1))
    return [rowid for rowid, _ in scored[:limit]]


def _newest(conn: sqlite3.Connection, params: dict[str, object], limit: int) -> list[int]:
    """The rowids of the last entered `limit` matches, the newest day first (NULL last), then the last entered."""
    rowids = [rowid for (rowid,) in conn.execute(_NEWEST, {**params, "limit": max(limit, 0)}).fetchall()]
    days = _days(conn, rowids)
    return sorted(rowids, key=lambda rowid: (days[rowid] or "", rowid), reverse=True)


def _run(conn: sqlite3.Connection, match: str, account_id: int | None, kind: Kind | None, limit: int) -> Found:
    code = KIND_CODES[kind] if kind is not None else None
    params: dict[str, object] = {"match": match, "account": account_id, "code": code}
    if account_id is None:
        count = _count(conn, params)
        if not count:
            return Found([], Order.BEST)
    else:  # one account has few matches, and counting them would read the stored row of every match: ranked
        count = 0
    order = Order.NEWEST if count >= COMMON else Order.BEST
    chosen = _newest(conn, params, limit) if order is Order.NEWEST else _best(conn, params, limit)
    if not chosen:
        return Found([], order, count)
    shown = conn.execute(
        _SHOWN,
        {
            "match": match,
            "ids": json.dumps(chosen),
            "first": min(chosen),
            "last": max(chosen),
            "open": OPEN,
            "close": CLOSE,
            "more": ELLIPSIS,
            "tokens": SNIPPET_TOKENS,
        },
    ).fetchall()
    hits = {}
    for rowid, kind_value, acc_id, key, name, record_id, day, title, unmarked, snippet in shown:
        text, spans = _unmark(snippet) if unmarked else (snippet, ())
        hits[rowid] = Hit(Kind(kind_value), acc_id, key, name, record_id, day, title, text, spans)
    return Found([hits[rowid] for rowid in chosen if rowid in hits], order, count)


def _unmark(marked: str) -> tuple[str, tuple[Span, ...]]:
    """Remove the OPEN/CLOSE marks from a snippet, returning where they were."""
    text: list[str] = []
    spans: list[Span] = []
    length = 0
    start = 0
    for piece in re.split(f"([{OPEN}{CLOSE}])", marked):
        if piece == OPEN:
            start = length
        elif piece == CLOSE:
            spans.append((start, length))
        else:
            text.append(piece)
            length += len(piece)
    return "".join(text), tuple(spans)
