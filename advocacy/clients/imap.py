"""IMAP: read the inbound mailbox oldest first and remove each message only once it has been taken."""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger("advocacy.imap")

URL_SETTING = "ADVOCACY_INBOUND_IMAP_URL"
URL_FORM = "imap://user:password@host:143/INBOX?starttls=1 or imaps://user:password@host:993/INBOX"

_UID = re.compile(rb"\bUID (\d+)", re.IGNORECASE)
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)", re.IGNORECASE)
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)", re.IGNORECASE)


class MailboxUnavailable(RuntimeError):
    """The mailbox could not be read; the message says what failed and what to check — never the password."""


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str
    tls: str  # "ssl" (imaps://), "starttls" (?starttls=1) or "" (plain, e.g. a mailbox on this machine)
    timeout: float

    @classmethod
    def from_url(cls, url: str, timeout: float) -> MailboxSettings:
        """imap://user:password@host:143/INBOX?starttls=1 or imaps://user:password@host:993/Folder."""
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError:
            port = -1
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        # Each problem is named without quoting the URL: it holds the password.
        if parts.scheme not in ("imap", "imaps"):
            problem = "must start with imap:// or imaps://"
        elif not parts.hostname:
            problem = "names no host"
        elif port is not None and not 0 < port < 65536:
            problem = "has a port that is not a number from 1 to 65535"
        elif not parts.username or parts.password is None:
            problem = "needs the mailbox's user name and password"
        elif not (folder.isascii() and folder.isprintable()):
            # imaplib speaks ASCII; such a folder has a modified UTF-7 name on the server (RFC 3501 5.1.3).
            problem = (
                "names a folder with characters other than printable ASCII (give its modified UTF-7 name)"
            )
        else:
            problem = ""
        if problem:
            raise ValueError(f"{URL_SETTING} {problem}; it must look like {URL_FORM}")
        starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        return cls(
            host=parts.hostname,
            port=port or (993 if parts.scheme == "imaps" else 143),
            username=unquote(parts.username),
            password=unquote(parts.password),
            folder=folder,
            tls="ssl" if parts.scheme == "imaps" else ("starttls" if starttls else ""),
            timeout=timeout,
        )


@dataclass(frozen=True)
class MailboxMessage:
    size: int  # RFC822.SIZE as the server reports it
    raw: bytes | None  # the whole message, or None when it is larger than max_bytes (not downloaded)


@dataclass(frozen=True)
class MailboxCounts:
    read: int
    removed: int
    kept: int

    def describe(self) -> str:
        return f"mailbox: {self.read} read, {self.removed} removed, {self.kept} kept"


def read_and_remove(
    settings: MailboxSettings,
    handle: Callable[[MailboxMessage], bool],
    *,
    max_bytes: int,
    limit: int = 500,
) -> MailboxCounts:
    """Hand the folder's oldest `limit` messages to `handle`, one at a time; remove those it took.

    A message is removed only after `handle` returned True for it; one it returns False for (or
    raises on) stays for the next call. A message over `max_bytes` is not downloaded: `handle` gets
    its size and raw None. An exception from `handle` propagates once the messages taken before it
    are removed and the connection is closed. Should the connection break between `handle` taking
    a message and the server marking it, the next call hands that message over again.

    Raises MailboxUnavailable when the server cannot be reached, refuses the login or the folder,
    or breaks off; it names host:port and the step that failed.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    mailbox = _Mailbox(settings)
    taken: list[int] = []
    read = 0
    try:
        mailbox.open()
        listed = mailbox.list_oldest(limit)
        # Already marked \Deleted (by a run that broke before its expunge, or by a person): on their
        # way out, so not handed over again, and removed with this run's own.
        leaving = [uid for uid, _, deleted in listed if deleted]
        for uid, size, deleted in listed:
            if deleted:
                continue
            raw = mailbox.fetch(uid) if size <= max_bytes else None
            if size <= max_bytes and raw is None:
                continue  # another client removed it meanwhile
            read += 1
            try:
                took = handle(MailboxMessage(size=size, raw=raw)) is True
            except BaseException:
                try:
                    mailbox.expunge(taken + leaving)
                except MailboxUnavailable as error:
                    # The handler's error is the one to see; what it took is marked, so the next
                    # run neither hands it over again nor keeps it.
                    log.warning("Could not remove the messages taken before the handler failed: %s", error)
                raise
            if took:
                # Marked at once: if the connection breaks later, the next run skips it.
                mailbox.mark_deleted(uid)
                taken.append(uid)
        mailbox.expunge(taken + leaving)
    finally:
        mailbox.close()
    return MailboxCounts(read=read, removed=len(taken), kept=read - len(taken))


def count_waiting(settings: MailboxSettings) -> int:
    """Log in and open the folder as `read_and_remove` would, and say how many messages it holds.
    No message is fetched, flagged or removed. Raises MailboxUnavailable as `read_and_remove` does."""
    mailbox = _Mailbox(settings)
    try:
        mailbox.open()
        return mailbox.exists
    finally:
        mailbox.close()


class _Mailbox:
    """One IMAP session; every failure becomes a MailboxUnavailable that names the step."""

    def __init__(self, settings: MailboxSettings) -> None:
        self.settings = settings
        self.where = f"the mailbox at {settings.host}:{settings.port}"
        self.imap: imaplib.IMAP4 | None = None
        self.uidplus = False
        self.exists = 0

    @contextmanager
    def _step(self, doing: str, check: str = "") -> Iterator[None]:
        try:
            yield
        except MailboxUnavailable:
            raise
        except ssl.SSLError as error:
            raise MailboxUnavailable(
                f"TLS with {self.where} failed while {doing}: {self._hide(error)}; check that the port"
                " speaks TLS from the start (imaps://, usually 993) or after STARTTLS (imap://…?starttls=1,"
                f" usually 143) and that its certificate is valid for {self.settings.host}"
            ) from None
        except TimeoutError:
            raise MailboxUnavailable(
                f"{self.where} did not answer within {self.settings.timeout:g} s while {doing}"
                f"{check or '; check that the host and port are those of an IMAP server'}"
            ) from None
        except (OSError, imaplib.IMAP4.error, UnicodeError) as error:
            # `from None`: a server's answer to LOGIN could quote what it was sent.
            raise MailboxUnavailable(
                f"{self.where} failed while {doing}: {self._hide(error)}{check}"
            ) from None

    def _hide(self, error: BaseException) -> str:
        # imaplib's errors carry the server's answer as bytes.
        said = error.args[0] if isinstance(error, imaplib.IMAP4.error) and error.args else None
        text = said.decode(errors="replace") if isinstance(said, bytes) else str(error)
        text = text.rstrip(". ") or type(error).__name__
        password = self.settings.password
        return text.replace(password, "***") if password else text

    def _fail(self, doing: str, data: list, check: str = "") -> MailboxUnavailable:
        said = (
            b" ".join(item for item in data if isinstance(item, bytes)).decode(errors="replace").rstrip(". ")
        )
        return MailboxUnavailable(
            f"{self.where} refused {doing}: {self._hide(said) or 'no reason given'}{check}"
        )

    def open(self) -> None:
        settings = self.settings
        url_check = f"; check the host and port in {URL_SETTING} and that the server is up"
        with self._step("connecting", url_check):
            if settings.tls == "ssl":
                context = ssl.create_default_context()
                self.imap = imaplib.IMAP4_SSL(
                    settings.host, settings.port, ssl_context=context, timeout=settings.timeout
                )
            else:
                self.imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        imap = self.imap
        if settings.tls == "starttls":
            with self._step(
                "starting TLS (STARTTLS)", f"; check whether the server wants imaps:// in {URL_SETTING}"
            ):
                imap.starttls(ssl.create_default_context())
        login_check = f"; check the user name and password in {URL_SETTING}"
        if "LOGINDISABLED" in imap.capabilities:
            login_check = (
                f"; the server takes passwords only over TLS: use imaps:// or ?starttls=1 in {URL_SETTING}"
            )
        with self._step(f"logging in as {settings.username!r}", login_check):
            if (settings.username + settings.password).isascii():
                imap.login(settings.username, settings.password)
            else:
                # LOGIN carries ASCII only; SASL PLAIN carries UTF-8 (RFC 4616).
                credentials = f"\0{settings.username}\0{settings.password}".encode()
                imap.authenticate("PLAIN", lambda _challenge: credentials)
        with self._step("asking for its capabilities"):
            typ, data = imap.capability()
        self.uidplus = typ == "OK" and b"UIDPLUS" in b" ".join(data).upper().split()
        folder_check = (
            f"; check the folder in {URL_SETTING} (the path after the port; INBOX when there is none)"
        )
        with self._step(f"opening the folder {settings.folder!r}", folder_check):
            typ, data = imap.select(_quoted(settings.folder))
        if typ != "OK":
            raise self._fail(f"to open the folder {settings.folder!r}", data, folder_check)
        try:
            self.exists = int(data[-1])
        except (TypeError, ValueError, IndexError):
            raise MailboxUnavailable(
                f"{self.where} did not say how many messages the folder {settings.folder!r} holds"
            ) from None

    def list_oldest(self, limit: int) -> list[tuple[int, int, bool]]:
        """(uid, size, marked \\Deleted) of the first `limit` messages, oldest first."""
        if self.exists == 0:
            return []
        assert self.imap is not None
        # Sequence numbers run in UID order, so the first `limit` are the oldest; one FETCH returns
        # their UIDs, which everything after this uses (sequence numbers shift on any expunge).
        with self._step("listing the messages"):
            typ, data = self.imap.fetch(f"1:{min(limit, self.exists)}", "(UID FLAGS RFC822.SIZE)")
        if typ != "OK":
            raise self._fail("to list the messages", data)
        listed: dict[int, tuple[int, bool]] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size, flags = _UID.search(line), _SIZE.search(line), _FLAGS.search(line)
            if uid and size:
                deleted = bool(flags) and b"\\DELETED" in flags.group(1).upper().split()
                listed[int(uid.group(1))] = (int(size.group(1)), deleted)
        return [(uid, size, deleted) for uid, (size, deleted) in sorted(listed.items())]

    def fetch(self, uid: int) -> bytes | None:
        """The whole message; None when it is no longer there. PEEK: reading does not set \\Seen."""
        assert self.imap is not None
        with self._step(f"downloading message UID {uid}"):
            typ, data = self.imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        if typ != "OK":
            raise self._fail(f"to send message UID {uid}", data)
        for item in data:
            # Other FETCH lines (flag changes from another client) may come along; take this UID's body.
            if isinstance(item, tuple) and b"BODY[]" in item[0].upper():
                found = _UID.search(item[0])
                if found is None or int(found.group(1)) == uid:
                    return item[1]
        return None

    def mark_deleted(self, uid: int) -> None:
        assert self.imap is not None
        with self._step(f"marking message UID {uid} for removal"):
            typ, data = self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        if typ != "OK":
            raise self._fail(f"to mark message UID {uid} for removal", data)

    def expunge(self, uids: list[int]) -> None:
        if not uids or self.imap is None:
            return
        with self._step("removing the messages taken"):
            if self.uidplus:
                # Only these: a plain EXPUNGE would also remove what another client marked meanwhile.
                typ, data = self.imap.uid("EXPUNGE", _uid_set(uids))
            else:
                typ, data = self.imap.expunge()
        if typ != "OK":
            raise self._fail("to remove the messages taken", data)

    def close(self) -> None:
        imap, self.imap = self.imap, None
        if imap is None:
            return
        try:
            imap.logout()
            return
        except (OSError, imaplib.IMAP4.error):
            pass
        # A failed LOGOUT leaves the socket open; a broken connection has nothing more to say.
        with suppress(OSError):
            imap.shutdown()


def _quoted(name: str) -> str:
    """An IMAP quoted string: imaplib sends arguments as they are, and folder names may hold spaces."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uid_set(uids: list[int]) -> str:
    """1,2,3,7 → "1:3,7": a UID EXPUNGE of hundreds of messages stays one short line."""
    ranges: list[list[int]] = []
    for uid in sorted(set(uids)):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(str(first) if first == last else f"{first}:{last}" for first, last in ranges)
