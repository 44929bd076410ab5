"""Book text made safe to show: no markup is interpreted and no control sequence reaches the terminal.

Customer data (names, notes, comments) may hold `[bold]`, `[@click=app.quit]`, ESC sequences,
OSC 52 clipboard writes or bidi overrides. Widgets and CLI tables pass it through `visible()` and
render it as plain `Text`, so each shows as the characters it is and does nothing.
"""

import re

# C0 controls except tab/newline, DEL, C1 controls, and the bidi/zero-width format characters
# that can reorder or hide what is shown.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """`text` with every control or direction-changing character written out as an escape."""
    if text is None:
        return ""
    shown = _UNSAFE.sub(_escape, str(text))
    if one_line:
        shown = shown.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return shown
