"""A real Dovecot IMAP server on loopback: `imap_mailbox` gives each test an empty mailbox.

One Dovecot per session, with one user whose folders are emptied before each test, so no test
sees another's messages whatever the order. Loaded by tests/conftest.py (`pytest_plugins`); on
its own, `pytest -p tests.imap_server`.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
USERNAME = "inbound"
PASSWORD = "in-bound@loop"  # an @ to show the URL's percent-encoding works
START_SECONDS = 15.0
STOP_SECONDS = 5.0


@dataclass
class DovecotServer:
    """The session's Dovecot, run in the foreground from a throwaway directory."""

    process: subprocess.Popen[bytes]
    port: int
    root: Path
    version: str

    def log(self) -> str:
        return "".join(
            path.read_text(errors="replace")
            for path in (self.root / "dovecot.out", self.root / "dovecot.log")
            if path.exists()
        )

    def check_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"Dovecot stopped (exit status {self.process.returncode}):\n{self.log()[-4000:]}")


class ImapMailbox:
    """One user's mailbox on the test Dovecot; `url` is what ADVOCACY_INBOUND_IMAP_URL would hold."""

    host = "127.0.0.1"

    def __init__(self, server: DovecotServer) -> None:
        self._server = server
        self.port = server.port
        self.username = USERNAME
        self.password = PASSWORD
        self.url = self.url_for()

    def url_for(self, *, password: str | None = None, folder: str = "INBOX", scheme: str = "imap") -> str:
        secret = quote(PASSWORD if password is None else password, safe="")
        return f"{scheme}://{quote(self.username, safe='')}:{secret}@{self.host}:{self.port}/{quote(folder)}"

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        imap = imaplib.IMAP4(self.host, self.port, timeout=5)
        try:
            imap.login(self.username, self.password)
            yield imap
        finally:
            imap.logout()

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the folder (made when missing), as a mail server's delivery would."""
        with self._session() as imap:
            if folder != "INBOX":
                imap.create(_quoted(folder))  # NO when it exists already: fine
            typ, data = imap.append(_quoted(folder), None, None, raw)
            assert typ == "OK", f"APPEND failed: {data}"

    def count(self, folder: str = "INBOX") -> int:
        """How many messages the folder holds (those marked \\Deleted but not expunged included)."""
        with self._session() as imap:
            typ, data = imap.status(_quoted(folder), "(MESSAGES)")
            assert typ == "OK", f"STATUS failed: {data}"
            found = re.search(rb"MESSAGES (\d+)", data[0] or b"")
            assert found, f"STATUS answered {data}"
            return int(found.group(1))

    def server_log(self) -> str:
        return self._server.log()

    def empty(self) -> None:
        """Every folder but INBOX deleted, every message in INBOX expunged."""
        with self._session() as imap:
            typ, lines = imap.list()
            assert typ == "OK", f"LIST failed: {lines}"
            names = [_listed_name(line) for line in lines if isinstance(line, bytes)]
            # Children before their parents.
            for name in sorted((name for name in names if name.upper() != "INBOX"), key=len, reverse=True):
                imap.delete(_quoted(name))
            typ, data = imap.select("INBOX")
            assert typ == "OK", f"SELECT INBOX failed: {data}"
            if int(data[-1] or 0):
                imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                imap.expunge()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listed_name(line: bytes) -> str:
    """The folder of a LIST answer: `(\\HasNoChildren) "." "Inbound Mail"` → Inbound Mail."""
    found = re.match(rb'\([^)]*\) (?:"(?:[^"\\]|\\.)*"|NIL) (.*)$', line)
    assert found, f"LIST answered {line!r}"
    name = found.group(1).decode()
    if name.startswith('"') and name.endswith('"'):
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return name


def _dovecot_version() -> str:
    answer = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, timeout=10, check=True)
    return answer.stdout.split()[0]  # "2.3.19.1 (9b53102964)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _users() -> dict[str, str | int]:
    """Who runs what. As root (CI): Dovecot's own accounts, which dovecot-core creates, and `nobody`
    for the mail (Dovecot refuses mail access as uid 0). As anyone else: that user throughout."""
    if os.geteuid() == 0:
        for name in ("dovecot", "dovenull"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                pytest.fail(f"the user {name!r} is missing; installing dovecot-core (dovecot-imapd) makes it")
        nobody = pwd.getpwnam("nobody")
        return {
            "internal_user": "dovecot",
            "internal_group": "dovecot",
            "login_user": "dovenull",
            "mail_uid": nobody.pw_uid,
            "mail_gid": nobody.pw_gid,
            "chroot": "",  # Dovecot's defaults: the login and anvil processes are chrooted
        }
    me = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(os.getgid()).gr_name
    return {
        "internal_user": me.pw_name,
        "internal_group": group,
        "login_user": me.pw_name,
        "mail_uid": os.getuid(),
        "mail_gid": os.getgid(),
        "chroot": "\n  chroot =",  # only root may chroot
    }


def _config(version: str, root: Path, port: int, users: dict[str, str | int]) -> str:
    """Dovecot's whole configuration: nothing of /etc/dovecot is read."""
    numbers = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    assert numbers, f"cannot read Dovecot's version from {version!r}"
    major_minor = (int(numbers.group(1)), int(numbers.group(2)))
    common = f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = advocacy-test-{port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
# A failed login answers after this; Dovecot's default (2 s) would slow the wrong-password test.
auth_failure_delay = 0
default_internal_user = {users["internal_user"]}
default_internal_group = {users["internal_group"]}
default_login_user = {users["login_user"]}
first_valid_uid = {min(int(users["mail_uid"]), 500)}
first_valid_gid = {min(int(users["mail_gid"]), 1)}
service imap-login {{{users["chroot"]}
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
# Without this socket the auth process keeps no per-address penalty: after one wrong password
# every later login from 127.0.0.1 would wait 2 to 15 s.
service anvil {{{users["chroot"]}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
    if major_minor >= (2, 4):
        # Written from the 2.3-to-2.4 upgrade notes; tried on 2.3 only.
        release = ".".join(numbers.groups())
        return f"""dovecot_config_version = {release}
dovecot_storage_version = {release}
{common}
# Passwords in the clear, without TLS: server and tests share loopback.
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ~/Maildir
passdb passwd-file {{
  passwd_file_path = {root}/passwd
}}
userdb passwd-file {{
  passwd_file_path = {root}/passwd
}}
"""
    return f"""{common}
# Passwords in the clear, without TLS: server and tests share loopback.
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
"""


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(100).startswith(b"* OK")
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            # Its own session: this reaches Dovecot's children too, and nothing else.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _start(version: str) -> DovecotServer:
    users = _users()
    # Not under pytest's basetemp: that is private to root (0700), and Dovecot drops to other
    # users; short, too, for the unix sockets in base_dir (108 bytes at most).
    root = Path(tempfile.mkdtemp(prefix="advocacy-imap-"))
    mail = root / "mail"
    mail.mkdir()
    if os.geteuid() == 0:
        root.chmod(0o711)
        os.chown(mail, int(users["mail_uid"]), int(users["mail_gid"]))
    # user:password:uid:gid:gecos:home:shell — the one file is both passdb and userdb.
    passwd = root / "passwd"
    passwd.write_text(
        f"{USERNAME}:{{PLAIN}}{PASSWORD}:{users['mail_uid']}:{users['mail_gid']}::{mail / USERNAME}::\n"
    )
    passwd.chmod(0o644)  # Dovecot's auth process reads it as the `dovecot` user
    for _ in range(3):
        port = _free_port()
        config = root / "dovecot.conf"
        config.write_text(_config(version, root, port, users))
        (root / "dovecot.log").unlink(missing_ok=True)
        with open(root / "dovecot.out", "wb") as output:
            process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = DovecotServer(process, port, root, version)
        deadline = time.monotonic() + START_SECONDS
        while process.poll() is None and time.monotonic() < deadline and "Fatal:" not in server.log():
            if _greets(port):
                return server
            time.sleep(0.05)
        _stop(process)
        log = server.log()
        # The free port may have been taken between our look and Dovecot's bind: try another.
        if "Address already in use" not in log:
            break
    shutil.rmtree(root, ignore_errors=True)
    pytest.fail(
        f"Dovecot {version} did not start on 127.0.0.1:{port} (is dovecot-imapd installed?);"
        f" its log:\n{log[-4000:]}"
    )


@pytest.fixture(scope="session")
def imap_server() -> Iterator[DovecotServer]:
    if not os.access(DOVECOT, os.X_OK):
        reason = f"{DOVECOT} is missing: apt-get install dovecot-imapd"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (.ci/run does); CI runs the IMAP tests against a real Dovecot")
        pytest.skip(reason)
    server = _start(_dovecot_version())
    try:
        yield server
    finally:
        _stop(server.process)
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed test that used the mailbox shows the end of Dovecot's log with its report."""
    report = yield
    mailbox = getattr(item, "funcargs", {}).get("imap_mailbox")
    if report.failed and isinstance(mailbox, ImapMailbox):
        report.sections.append(("Dovecot log (its end)", mailbox.server_log()[-4000:]))
    return report


@pytest.fixture
def imap_mailbox(imap_server: DovecotServer) -> ImapMailbox:
    """The session Dovecot's one mailbox, emptied for this test: an INBOX and no other folder."""
    imap_server.check_running()
    mailbox = ImapMailbox(imap_server)
    mailbox.empty()
    return mailbox
