"""`python -m cstui` is the same as the `cstui` command."""

from cstui.cli import main

main()
