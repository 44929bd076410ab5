"""Book text made safe to show: no markup is interpreted and no control sequence reaches the terminal.

Customer data (names, notes, comments) may hold `[bold]`, `[@click=app.quit]`, ESC sequences,
OSC 52 clipboard writes or bidi overrides. Widgets and CLI tables pass it through `visible()` and
render it as plain `Text`, so each shows as the characters it is and does nothing.

Text shown where one line is meant (a header, a table cell, a notification) is also cut to
`ONE_LINE_LIMIT` characters with an ellipsis, so a 100,000-character name cannot fill a screen.
"""

import re

ELLIPSIS = "…"
# Characters of book text in a one-line place: a header holding the longest name still fits in
# three lines at 80 columns, and a table column is at most this wide.
ONE_LINE_LIMIT = 120

# C0 controls except tab/newline, DEL, C1 controls, and the bidi/zero-width format characters
# that can reorder or hide what is shown.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False, limit: int | None = None) -> str:
    """`text` with every control or direction-changing character written out as an escape.

    `one_line` turns line breaks and tabs into spaces; `limit` keeps at most that many characters,
    the last of them an ellipsis when something was cut.
    """
    if text is None:
        return ""
    shown = _UNSAFE.sub(_escape, str(text))
    if one_line:
        shown = shown.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    if limit is not None and len(shown) > limit:
        shown = shown[: max(0, limit - 1)] + ELLIPSIS
    return shown
