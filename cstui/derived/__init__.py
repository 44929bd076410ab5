"""Derived data: what cstui computes from the book's facts and keeps, so it is not computed again.

Not read models (those only read): these modules decide whether stored figures are still current
and write them back. `health_cache` reads today's health from the day's snapshot while it is current
and remembers scores per book version; `stored_figures` keeps the dashboard's report and the trends'
months; `checkin_day` keeps a day's check-in findings per book version; `owner.DerivedData` is the
one object per app that holds what is remembered in memory and the locks around it. Textual-free:
the CLI uses them too. Writes go through `write_transaction` on the caller's `Database` - in the app,
always the UI thread's (`CstuiApp.keep`), never a worker's reader.
"""
