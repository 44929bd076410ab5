"""The one exception type a user can cause.

Everything the user can get wrong (a bad CSV row, a form field, a CLI argument, a corrupt or
newer book) is raised as a `UserError` carrying a message that names what is wrong and where;
the CLI prints it on one line and exits 1, the TUI shows it inline. Anything else is a bug and
is allowed to show a traceback.
"""


class UserError(Exception):
    """A mistake in the user's input or files, explained in plain words."""


class FieldError(UserError):
    """A mistake in one field of an entry: `field_name` says which, `reason` why.

    Forms show `reason` under the input `field_name` names (never by splitting the message text);
    the CLI prints the whole message, "field: reason", on one line.
    """

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason
