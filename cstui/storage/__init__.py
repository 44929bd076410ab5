"""The book: one SQLite file, its connection, its schema and the queries that write to it.

Imports neither Textual nor Rich, so the CLI's batch commands and the metric engine stay light.
"""

import sys

_HIDDEN = ("numpy", "pandas")
if not any(name in sys.modules for name in (*_HIDDEN, "sqlite_utils")):
    # sqlite-utils imports numpy and pandas when installed (~0.3-0.5 s at every start) only to map their
    # column types, which cstui never writes: hide them for that one import. Imported later by
    # anything else, they load as usual.
    for _name in _HIDDEN:
        sys.modules[_name] = None  # type: ignore[assignment]  # None: `import numpy` raises ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for _name in _HIDDEN:
            del sys.modules[_name]
