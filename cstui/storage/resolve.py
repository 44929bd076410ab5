"""What the CSM typed after --account or --segment, resolved to the book's own spelling.

One resolver for every command: an exact match first, then the one match that differs only in
case (`acc-1047` is ACC-1047, `smb` is SMB, as in the app's filter), else one line naming what was
not found and the nearest spellings ("did you mean ACC-1047?").
"""

import difflib
import sqlite3

from cstui.errors import UserError
from cstui.safe_text import visible


def _near(typed: str, known: list[str]) -> str:
    """'; did you mean X or Y?' for the closest known names, compared without case; '' if none is close."""
    by_fold = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(typed.casefold(), list(by_fold), n=3, cutoff=0.6)
    if not close:
        return ""
    names = [visible(by_fold[c], one_line=True) for c in close]
    return f"; did you mean {' or '.join(names)}?"


def account_id(conn: sqlite3.Connection, key: str) -> int:
    """The id of the account whose key is `key`, in any case."""
    typed = key.strip()
    exact = conn.execute("SELECT id FROM accounts WHERE key = ?", [typed]).fetchone()
    if exact is not None:
        return int(exact[0])
    rows = conn.execute("SELECT id, key FROM accounts WHERE key = ? COLLATE NOCASE", [typed]).fetchall()
    if len(rows) == 1:
        return int(rows[0][0])
    shown = visible(key, one_line=True)
    if rows:  # ACC-1 and acc-1 both exist: only the exact spelling says which
        spellings = " and ".join(visible(k, one_line=True) for _, k in rows)
        raise UserError(f"account '{shown}': the book has {spellings}; give the key as spelled")
    keys = [str(k) for (k,) in conn.execute("SELECT key FROM accounts")]
    raise UserError(f"account '{shown}': no such account in the book{_near(typed, keys)}")


def segment(conn: sqlite3.Connection, name: str) -> str:
    """The book's spelling of the segment `name`, in any case."""
    typed = name.strip()
    known = [str(s) for (s,) in conn.execute("SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL")]
    if typed in known:
        return typed
    same = [s for s in known if s.casefold() == typed.casefold()]
    if len(same) == 1:
        return same[0]
    shown = visible(name, one_line=True)
    listed = ", ".join(visible(s, one_line=True) for s in sorted(known)) or "none"
    if same:
        raise UserError(f"--segment: '{shown}' matches {' and '.join(same)}; give the segment as spelled")
    raise UserError(f"--segment: no accounts in segment '{shown}'{_near(typed, known)} (segments: {listed})")
