"""The app's background sync: on open when sources are configured, and now with `S`.

Fetching runs in a thread worker (network waits never block a key); each source's fetched items
are handed to the UI thread, which stores them through `app.write` like every other write of the
app (ARCHITECTURE.md, "One write path"). The header's sub-title says what is going on, and a toast
says what each source did when the sync is over. Nothing here is imported unless a sync runs.
"""

import os
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cstui.storage.sources import Source
    from cstui.sync.fetched import Fetched
    from cstui.sync.run import Outcome
    from cstui.tui.app import CstuiApp


def start_sync(app: "CstuiApp", *, asked: bool) -> None:
    """Sync every source in a worker; `asked` (the `S` key) also says so when there is none."""
    app.run_worker(partial(_sync, app, asked), thread=True, exclusive=True, group="sync", exit_on_error=False)


def _status(app: "CstuiApp", text: str) -> None:
    base = app.sub_title.split(" | ")[0]
    app.sub_title = f"{base} | {text}" if text else base


def _sync(app: "CstuiApp", asked: bool) -> None:
    from cstui.storage.sources import cursors, list_sources
    from cstui.sync.fetched import SourceFailed
    from cstui.sync.run import failed, fetch

    with app.reader() as conn:
        sources = list_sources(conn)
        known = {source.id: cursors(conn, source.id) for source in sources}
    if not sources:
        if asked:
            app.call_from_thread(app.say, "No sources to sync: add one with `cstui source add` (see the README, Sync).")
        return
    outcomes: list[Outcome] = []
    for number, source in enumerate(sources, start=1):
        app.call_from_thread(_status, app, f"syncing {source.name} ({number} of {len(sources)})")
        try:
            fetched = fetch(app.book_path, source, known[source.id], app.as_of)
        except SourceFailed as error:
            outcomes.append(failed(source, error))
            continue
        outcome = app.call_from_thread(_store, app, source, fetched)
        if outcome is not None:
            outcomes.append(outcome)
    app.call_from_thread(_done, app, outcomes)


def _store(app: "CstuiApp", source: "Source", fetched: "Fetched") -> "Outcome | None":
    """On the UI thread: one source's change through the app's write path (None: the book refused it)."""
    from cstui.sync.run import stored

    outcome = app.write(stored, source, fetched, os.environ.get("CSTUI_ME"), app.as_of)
    if outcome is not None and outcome.changed:
        app.book_changed()
    return outcome


MAX_TOASTS = 4  # more would cover the screen; the rest are summed up in one


def _done(app: "CstuiApp", outcomes: "list[Outcome]") -> None:
    bad = [o for o in outcomes if not o.ok]
    _status(app, f"synced {datetime.now():%H:%M}" + (f", {len(bad)} failed" if bad else ""))
    shown = outcomes if len(outcomes) <= MAX_TOASTS else outcomes[: MAX_TOASTS - 1]
    for outcome in shown:  # one toast per source: a line each, as `cstui sync` prints them
        app.say(outcome.line, title="Sync", severity="information" if outcome.ok else "warning")
    if len(shown) < len(outcomes):
        more = len(outcomes) - len(shown)
        app.say(f"and {more} more sources: `cstui source list` says what each did", title="Sync")
