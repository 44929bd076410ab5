"""The records a CSM enters or owns, one module per kind: notes (and the feedback logged with a
call), surveys, tasks, accounts (and their contacts).

Each module has its typed input (`*Fields`: the user's raw text per field, None leaves a field as
it is, "" clears an optional one), one check used by add and edit alike (every check raises
`cstui.errors.FieldError(field, reason)`), and the writes, each one named change in the book's
history. `checks` holds the field checks they share. A function that dates or checks a date takes
`today` (the app's as-of day, the CLI's pinned `clock.today()`), never the machine's clock.
"""
