"""The `cstui` command: batch work from the shell; bare `cstui` opens the app."""

from cstui.cli.main import main

__all__ = ["main"]
