"""Build the demo book: run the seeded generator in fixtures/ and import its CSV files."""

import importlib.util
import tempfile
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from cstui.resources import data_dir
from cstui.storage.importer import import_path


def _generator():
    path = data_dir("fixtures") / "demo_book.py"
    spec = importlib.util.spec_from_file_location("cstui_demo_book", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_demo_csv(out_dir: Path, today: date, seed: int | None = None) -> Path:
    generator = _generator()
    return generator.generate(out_dir, today=today, seed=seed or generator.SEED)


def build_demo_book(book: Database, today: date) -> None:
    """Fill `book` with the demo accounts as of `today`, through the ordinary importer."""
    with tempfile.TemporaryDirectory(prefix="cstui-demo-") as tmp:
        import_path(book, write_demo_csv(Path(tmp), today))
