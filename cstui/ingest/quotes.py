"""Drop quoted history from a reply so a message's notes hold what that message said.

`mail-parser-reply` recognises the "On ... wrote:" / "-----Original Message-----" headers of the
common mail clients in several languages and cuts everything after them. It leaves bare `>` quoted
lines that come without such a header, so those are dropped here as well.
"""

from functools import cache


@cache
def _parser():
    from mailparser_reply import EmailReplyParser
    from mailparser_reply.constants import MAIL_LANGUAGES

    return EmailReplyParser(languages=[lang for lang in MAIL_LANGUAGES if lang != "david"])


def strip_quoted(text: str) -> str:
    """The reply's own text: quoted history and bare `>` lines removed, outer blank lines trimmed."""
    if not text.strip():
        return ""
    own = _parser().parse_reply(text=text.replace("\r\n", "\n"))
    lines = [line for line in own.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()
