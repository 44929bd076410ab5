"""Real servers for the `cstui sync` tests, started on 127.0.0.1 at a free port and stopped after.

pymap (an IMAP server in Python, its in-memory dict backend: one user, empty mailbox) and Radicale
(CalDAV, htpasswd logins) run as child processes; the tests fill them over their own protocols
(IMAP APPEND, CalDAV PUT), so what `cstui sync` reads is what a real server sends.
"""

import imaplib
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "casey", "s3cret-Pa55"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Imap:
    port: int
    process: subprocess.Popen

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(USER, PASSWORD)
        return client

    def append(self, folder: str, *messages: bytes, arrived: str | None = None) -> None:
        """Append `messages`; `arrived` ('"01-Jan-2024 10:00:00 +0000"') sets their arrival date."""
        client = self.client()
        try:
            if folder != "INBOX":
                client.create(folder)  # "already exists" is a NO, which is fine
            for message in messages:
                kind, data = client.append(folder, None, arrived, message)
                assert kind == "OK", data
        finally:
            client.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create `folder` again: the server gives it a new UIDVALIDITY."""
        client = self.client()
        try:
            assert client.delete(folder)[0] == "OK"
            assert client.create(folder)[0] == "OK"
        finally:
            client.logout()

    def uidvalidity(self, folder: str) -> str:
        client = self.client()
        try:
            _, data = client.status(folder, "(UIDVALIDITY)")
            return data[0].decode().split("UIDVALIDITY")[1].strip(" )")
        finally:
            client.logout()


def start_imap() -> Imap:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, process, "pymap")
    return Imap(port, process)


@dataclass
class Radicale:
    port: int
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/{USER}/"

    def calendar(self, name: str):
        """A new calendar `name` (a caldav.Calendar the test fills)."""
        import caldav

        client = caldav.DAVClient(url=self.base, username=USER, password=PASSWORD)
        return client.principal().make_calendar(name=name, cal_id=name)


def start_radicale(folder: Path) -> Radicale:
    port = free_port()
    users = folder / "users"
    users.write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(folder / "collections"),
            "--auth-type",
            "htpasswd",
            "--auth-delay",
            "0",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, process, "radicale")
    return Radicale(port, process)
