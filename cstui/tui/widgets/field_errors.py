"""Errors shown under a form's fields, the way every form does it.

A failed save puts each field's message in the `Static` under it (class `shown`) and marks its
`Input` `invalid` (styled, never hidden: the value stays readable). While a field is marked, each
change checks the form again and clears that field's error as soon as its value is valid, so a
message never stays after the mistake is fixed; the other fields' errors stay until they are fixed.
"""

from collections.abc import Callable, Mapping

from textual.dom import DOMNode
from textual.widgets import Input, Static

Check = Callable[[], Mapping[str, str]]  # the form's current errors, field name -> message


class FieldErrors:
    """The error slots of one form: field name -> (id of its Input, id of the Static under it)."""

    def __init__(self, form: DOMNode, slots: Mapping[str, tuple[str, str]]) -> None:
        self.form = form
        self.slots = dict(slots)

    def show(self, errors: Mapping[str, str]) -> None:
        """Show these errors and clear every other field's."""
        for name in self.slots:
            self.set(name, errors.get(name))

    def set(self, name: str, message: str | None) -> None:
        input_id, error_id = self.slots[name]
        error = self.form.query_one(f"#{error_id}", Static)
        error.update(message or "")
        error.set_class(message is not None, "shown")
        self.form.query_one(f"#{input_id}", Input).set_class(message is not None, "invalid")

    def recheck(self, changed: Input, check: Check) -> None:
        """After `changed` was edited: while it shows an error, check again and keep or clear it."""
        name = next((n for n, (input_id, _) in self.slots.items() if input_id == changed.id), None)
        if name is None or not changed.has_class("invalid"):
            return
        self.set(name, check().get(name))

    def first(self, errors: Mapping[str, str]) -> Input | None:
        """The Input of the first field (in form order) with an error, to put the cursor there."""
        name = next((n for n in self.slots if n in errors), None)
        return None if name is None else self.form.query_one(f"#{self.slots[name][0]}", Input)
