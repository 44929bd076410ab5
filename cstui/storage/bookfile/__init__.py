"""The book file: what is at its path, the connection and its one write path, the schema steps,
the date guards, `cstui doctor`, and SQLite's errors in words."""
