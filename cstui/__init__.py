"""cstui: a keyboard-driven terminal app for a Customer Success Manager's book of business.

The package root stays empty on purpose: `cstui report` must not pay for Textual, and the
metric engine must be importable without it (tests/test_import_hygiene.py checks both).
"""

__version__ = "0.1.0"
