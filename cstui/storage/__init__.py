"""The book: one SQLite file, its connection, its schema and the queries that write to it.

Imports neither Textual nor Rich, so the CLI's batch commands and the metric engine stay light.

sqlite-utils imports numpy and pandas when they are installed (~0.3-0.5 s) only to map their column
types, which cstui never writes. It is imported where first needed (the app's first frame does not
wait for it), and that first import, wherever it happens, runs with numpy and pandas hidden: a
finder placed here hands Python's own loader for `sqlite_utils` a wrapper that hides them while the
package (and the `sqlite_utils.db` it imports) executes. Imported later by anything else, they load
as usual.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_HIDDEN = ("numpy", "pandas")


class _WithoutNumpy(importlib.abc.Loader):
    """sqlite-utils' own loader, run with numpy and pandas absent from `sys.modules`' point of view."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in _HIDDEN if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # None: `import numpy` raises ImportError
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, "") is None:
                    del sys.modules[name]


class _SqliteUtilsFinder(importlib.abc.MetaPathFinder):
    """Finds `sqlite_utils` once, as Python would, and wraps its loader in `_WithoutNumpy`."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "sqlite_utils":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)  # once: the spec below comes from the finders after this one
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutNumpy(spec.loader)
        return spec


if "sqlite_utils" not in sys.modules and not any(name in sys.modules for name in _HIDDEN):
    sys.meta_path.insert(0, _SqliteUtilsFinder())
