"""Where the files shipped beside the code live.

`migrations/` and `fixtures/` sit at the top of the repository (the fixed layout) and are copied
into `cstui/_data/` when the wheel is built, so an installed cstui and a source checkout both
find them.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory `name` ("migrations" or "fixtures") for this installation."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cstui is missing its {name}/ directory (looked beside {_PACKAGE})")
