"""`cstui sync`: fetch what is new from mailboxes, calendars and folders, then store it through the
same ingest path as files (`cstui.storage.ingest_store`). Network code lives here and is imported
only by `cstui sync`, `cstui source test` and the app's background sync when sources exist."""
