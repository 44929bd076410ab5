"""The one exception type a user can cause.

Everything the user can get wrong (a bad CSV row, a form field, a CLI argument, a corrupt or
newer book) is raised as a `UserError` carrying a message that names what is wrong and where;
the CLI prints it on one line and exits 1, the TUI shows it inline. Anything else is a bug and
is allowed to show a traceback.
"""


class UserError(Exception):
    """A mistake in the user's input or files, explained in plain words."""
