"""The demo CSM's calendar export and mailbox: written by the seeded script in fixtures/ and ingested.

Kept apart from `cstui.demo` so the demo book the tests and screenshots use stays as it is; `cstui
demo` asks for the inbox, so a new user sees ingested meetings and mail (and `cstui time`) at once.
"""

import importlib.util
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from cstui.ingest.files import ReadOptions
from cstui.resources import data_dir
from cstui.storage.ingest_store import IngestResult, ingest_paths

CSM = "casey@cstui-demo.example"


def write_demo_inbox(csv_dir: Path, out_dir: Path, today: date) -> Path:
    """calendar.ics and inbox.mbox for the demo book whose CSV files are in `csv_dir`."""
    spec = importlib.util.spec_from_file_location("cstui_demo_inbox", data_dir("fixtures") / "demo_inbox.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(csv_dir, out_dir, today)


def ingest_demo_inbox(book: Database, csv_dir: Path, out_dir: Path, today: date) -> IngestResult:
    folder = write_demo_inbox(csv_dir, out_dir, today)
    options = ReadOptions.around(today)
    return ingest_paths(book, [folder], options, CSM)
