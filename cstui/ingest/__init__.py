"""Meetings and messages from the CSM's own files (.ics, .eml, .mbox) turned into interactions.

Pure parsing and matching: no SQL, no Textual, Rich or typer. `files.read_paths` reads everything a
run names into typed `Item`s (or `file: item: reason` problems); `match.classify` decides, for a
snapshot of the book's contacts and account domains, which account each item belongs to.
`cstui.storage.ingest_store` writes the result in one transaction.
"""
