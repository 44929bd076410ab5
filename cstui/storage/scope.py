"""Which accounts a query covers: the whole book, one segment, or one account."""

from dataclasses import dataclass
from typing import Any

from cstui.storage.predicates import identifier


@dataclass(frozen=True)
class Scope:
    """Which accounts a metric covers: the whole book, one segment, or one account."""

    segment: str | None = None
    account_id: int | None = None

    def where(self, column: str = "account_id") -> tuple[str, dict[str, Any]]:
        """An `AND ...` clause restricting `column` (an account id) to this scope, and its named parameters."""
        table, _, name = column.rpartition(".")
        column = f"{identifier(table)}.{identifier(name)}" if table else identifier(name)
        if self.account_id is not None:
            return f" AND {column} = :scope_account", {"scope_account": self.account_id}
        if self.segment is not None:
            return (
                f" AND {column} IN (SELECT id FROM accounts WHERE segment = :scope_segment)",
                {"scope_segment": self.segment},
            )
        return "", {}


EVERYONE = Scope()
