"""Jump to any account from the command palette (ctrl+p): a fuzzy match on its name and key.

The names are read once when the palette opens, in a thread with a connection of its own. Each
candidate is shown as `visible()` text and highlighted by offset, never parsed as markup (Textual's
`Matcher.highlight` would read `[bold]` in a customer's name as markup).
"""

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from cstui.safe_text import visible
from cstui.storage.search import AccountName, account_names

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp


class AccountCommands(Provider):
    """One command per account: "Acme Corp  ACME-1" opens its account screen."""

    accounts: tuple[AccountName, ...] = ()  # read when the palette opens

    async def startup(self) -> None:
        self.accounts = await asyncio.to_thread(self._read)

    def _read(self) -> tuple[AccountName, ...]:
        with cast("CstuiApp", self.app).reader() as conn:
            return tuple(account_names(conn))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for account in self.accounts:
            shown = visible(f"{account.name}  {account.key}", one_line=True)
            score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
            if not score:
                continue
            display = Content(shown)
            for offset in offsets:
                display = display.stylize(matcher.match_style, offset, offset + 1)
            yield Hit(
                score,
                display,
                partial(self.open, account.account_id),
                text=shown,
                help="churned account" if account.churned else None,
            )

    def open(self, account_id: int) -> None:
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(account_id))
