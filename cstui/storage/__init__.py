"""The book: one SQLite file, its connection, its schema and the queries that write to it.

Imports neither Textual nor Rich, so the CLI's batch commands and the metric engine stay light.
"""
