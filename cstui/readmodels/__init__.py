"""Read models: what a screen or a command shows, assembled from the engine and storage.

Plain dataclasses, no Textual and no Rich, so the TUI, the CLI and the tests consume the same
objects: `views` for the screens, `brief` for the account brief export, `precall` for the pre-call
brief, `backtest` for the health-score backtest.
"""
