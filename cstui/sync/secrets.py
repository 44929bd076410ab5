"""Where a source's password is kept: the system keyring, a 0600 file beside the book, or an
environment variable the source names. Never in the book, never printed.

The keyring is used when it has a usable backend (a desktop's Secret Service, macOS Keychain,
Windows Credential Locker); on a headless machine `keyring` has none, and the password goes to
`BOOK.secrets` (JSON, mode 0600, created private), readable only by its owner like the book itself.
"""

import json
import os
from contextlib import suppress
from pathlib import Path

from cstui.errors import UserError
from cstui.storage.sources import SecretIn, Source

SERVICE = "cstui"


def secrets_file(book: Path) -> Path:
    return book.with_name(book.name + ".secrets")


def keyring_usable() -> bool:
    """Whether `keyring` has a backend that really stores (not the fail or null backend)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return float(getattr(backend, "priority", 0)) > 0


def _account(book: Path, name: str) -> str:
    """The keyring's user name for a source: two books may have sources of the same name."""
    return f"{book.resolve()}#{name}"


def _read_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"{path}: cannot read the sources' passwords ({error})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: not a cstui secrets file")
    return {str(k): str(v) for k, v in data.items()}


def _write_file(path: Path, secrets: dict[str, str]) -> None:
    """Write the file private from its first byte: created 0600, replaced atomically."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, json.dumps(secrets, indent=1, sort_keys=True).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def keep(book: Path, name: str, password: str) -> SecretIn:
    """Store a source's password: in the keyring when usable, else in the file beside the book."""
    if keyring_usable():
        import keyring

        try:
            keyring.set_password(SERVICE, _account(book, name), password)
            return SecretIn.KEYRING
        except Exception:  # a locked or broken keyring: the file beside the book instead
            pass
    path = secrets_file(book)
    secrets = _read_file(path)
    secrets[name] = password
    _write_file(path, secrets)
    return SecretIn.FILE


def forget(book: Path, name: str, where: SecretIn) -> None:
    """Remove a removed source's password from where it was kept (an env variable is the user's)."""
    if where is SecretIn.KEYRING:
        import keyring

        with suppress(Exception):  # already gone, or the keyring is locked: nothing of it is in the book
            keyring.delete_password(SERVICE, _account(book, name))
    elif where is SecretIn.FILE:
        path = secrets_file(book)
        secrets = _read_file(path)
        if secrets.pop(name, None) is not None:
            _write_file(path, secrets)


def prune(book: Path, sources: list[Source]) -> None:
    """Delete the file's passwords of sources the book no longer has (an `undo` of `source add` takes
    the source out of the book, not its password out of the file): run by every `source` command."""
    path = secrets_file(book)
    if not path.exists():
        return
    secrets = _read_file(path)
    kept = {s.name: v for s in sources if s.secret_in is SecretIn.FILE and (v := secrets.get(s.name)) is not None}
    if kept != secrets:
        _write_file(path, kept)


def password_of(book: Path, source: Source) -> str | None:
    """The source's password, or None when it needs none; a missing one is a `LookupError` saying where."""
    if source.secret_in is SecretIn.NONE:
        return None
    if source.secret_in is SecretIn.ENV:
        value = os.environ.get(source.secret_env or "")
        if value is None:
            raise LookupError(f"the environment variable {source.secret_env} (its password) is not set")
        return value
    if source.secret_in is SecretIn.KEYRING:
        import keyring

        try:
            found = keyring.get_password(SERVICE, _account(book, source.name))
        except Exception as error:
            raise LookupError(f"cannot read its password from the keyring ({error})") from None
        if found is None:
            raise LookupError("its password is not in the keyring (remove and add the source again)")
        return found
    secrets = _read_file(secrets_file(book))
    if source.name not in secrets:
        raise LookupError(f"its password is not in {secrets_file(book)} (remove and add the source again)")
    return secrets[source.name]
