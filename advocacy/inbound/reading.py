"""Reading inbound mail: parse raw bytes and tell bounces, delay warnings, auto-replies and answers apart."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email import errors
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import getaddresses
from html.parser import HTMLParser

MAX_MESSAGE_BYTES = 2 * 1024 * 1024

_MB = 1024 * 1024
_MAX_PARTS = 500  # real mail has a handful of parts; a hostile message can nest thousands
_MAX_DEPTH = 3  # forwards of forwards of forwards: deeper than this is not worth reading
_MAX_FORWARDS = 20  # inline forward markers looked into; more is a mail loop or an attack
_SCAN_CHARS = 20_000  # how far into a text the opening lines or a forwarded block's headers can be
_LONG_HEADER = 4_000  # longer values are junk, read raw rather than through the slow header classes
_MIME_HEADER_BYTES = 4 * 1024
_MIME_HEADERS_TOTAL = 64 * 1024
_MAX_BOUNDARY_LINES = 5_000  # lines starting with "--", an upper bound on the number of parts
_REASON_LENGTH = 300
_FIRST_LINES = 40  # acknowledgements say so at the top; deeper down it is quoted or signature text

# Defects that leave the body unreadable: without a boundary, or with one that never occurs, the
# parser cannot find the parts and hands back the whole body as one blob of MIME source. Others are
# harmless and deliberately tolerated: a missing closing boundary (CloseBoundaryNotFoundDefect) only
# means the last part runs to the end, which truncating relays and sloppy senders produce while every
# part is intact; a stray line in the header block (MissingHeaderBodySeparatorDefect) just starts the
# body early; base64 padding and header defects lose a character, not the message.
_FATAL_DEFECTS = (
    (
        errors.NoBoundaryInMultipartDefect,
        "The message says it is in several parts but gives no boundary to separate them.",
    ),
    (
        errors.StartBoundaryNotFoundDefect,
        "The message names a boundary between its parts, but that boundary never appears in it.",
    ),
)

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+$")
# The look-behind lets a match start only where a local part can start: without it, a long run of
# letters with no "@" is rescanned from every position, and a 2 MB message takes minutes.
_ADDRESS_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_SIMPLE_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
_MIME_HEADER = re.compile(rb"^content-[a-z0-9-]*:[^\n]*(?:\n[ \t][^\n]*)*", re.I | re.M)
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
_DAEMON_ADDRESS = re.compile(r"^(?:mailer-daemon|mailer_daemon|mailerdaemon|mail-daemon|postmaster)@", re.I)
_DAEMON_NAME = re.compile(r"mail delivery (?:subsystem|system|service)|mailer-daemon|postmaster", re.I)

# Enhanced status codes (RFC 3463) and SMTP reply codes; the look-arounds keep IP addresses,
# version numbers and message ids such as "554.30" from passing for one.
_STATUS = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)(?!\w)")
_FAILED_STATUS = re.compile(r"(?<![\w.])([45]\.\d{1,3}\.\d{1,3})(?!\.?\d)(?!\w)")
_SMTP_CODE = re.compile(r"(?<![\w.#:/-])([45][0-5]\d)(?=[ :-] ?[^\s\d.]|[ -][45]\.\d)")
_CODE_AND_STATUS = re.compile(r"(?<![\w.#:/-])[45][0-5]\d[ -][45]\.\d{1,3}\.\d{1,3}(?!\.?\d)")
_REPLY_LEAD = re.compile(r"([245]\d\d)[ :-] ?(?:([245]\.\d{1,3}\.\d{1,3})\s)?")
_ADDRESS_LINE = re.compile(r"^\s*<?[^\s<>@]+@[^\s<>@]+>?:\s*$")
_TEMPORARY = re.compile(r"\btemporar(?:y|ily)\b|\btry again later\b", re.I)

_FAILURE_SUBJECT = re.compile(
    r"^\s*(?:undelivered mail returned to sender|mail delivery failed|failure notice|undeliverable\b"
    r"|undelivered mail\b|delivery status notification \(failure\)|returned mail\b|mail delivery failure"
    r"|delivery failure|message not delivered|delivery has failed|non-?delivery report)",
    re.I,
)
_FAILURE_TEXT = re.compile(
    r"could ?n[o']t be delivered|wasn't delivered|was not delivered"
    r"|(?:unable|wasn't able|not able) to deliver|permanent (?:error|failure)"
    r"|delivery (?:to the following recipients? )?(?:has )?failed|failed permanently|undeliverable",
    re.I,
)
_DELAY_SUBJECT = re.compile(
    r"delivery status notification \(delay\)|^\s*warning: message .* delayed|^\s*delivery delayed"
    r"|^\s*delayed mail\b|^\s*warning: could not send message for past",
    re.I,
)
# Where a bounce stops talking and the returned copy of the original begins: addresses and
# numbers below it belong to the letter, not to the failure.
_RETURNED_COPY = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:below this line is a copy|this is a copy of|original message|returned message"
    r"|undelivered message|message headers follow)",
    re.I | re.M,
)

_REPLY_PREFIXES = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|sv|vs|antw)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_AUTO_SUBJECT = re.compile(
    r"^(?:auto:|autoreply\b|auto[ -]reply\b|automatic reply\b|auto(?:matic)?[ -]?response\b"
    r"|(?:on )?vacation\b|away from (?:my|the) (?:e-?mail|mail|office|desk))"
    r"|\bout of (?:the )?office\b|\bautomatic reply\b",
    re.I,
)
# Kept narrow on purpose: an office answering may well write "thank you for your letter" or
# "thank you for contacting my office" before its answer, so only the stock phrases of
# acknowledgements count. A lost answer costs more than an acknowledgement counted as one.
_ACKNOWLEDGEMENT = re.compile(
    r"\bwe(?:'ve|’ve| have)? received your (?:message|e-?mail|letter)\b"
    r"|\bthis is an automated (?:response|message|reply)\b"
    r"|\bdo not reply to this (?:e-?mail|message)\b",
    re.I,
)
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-Auto-Response", "X-Autoresponder")
_FORWARD_MARKER = re.compile(
    r"^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|original message)[ \t]*-{2,}"
    r"|begin forwarded message:)[ \t]*$",
    re.I | re.M,
)
_QUOTE_MARKS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_INLINE_HEADER = re.compile(r"^\s*\**(from|sent|date|to|cc|subject|auto-submitted)\**\s*:\s*(.*)$", re.I)


class UnreadableMessage(ValueError):
    """The message cannot be read; str(error) says why in one plain sentence (no traceback text)."""


@dataclass(frozen=True)
class Bounce:
    """A failed delivery, as a bounce reports it."""

    permanent: bool  # a hard failure (5.x.x); False when the server gave up on a 4.x.x (temporary) status
    status: str  # the enhanced status code such as "5.1.1", "" when the report gives none
    reason: str  # one line for people, at most 300 characters: the remote server's diagnostic
    recipient: str  # the address that failed, lowercased, "" when the report names none


def parse_message(raw: bytes) -> EmailMessage:
    """The message in `raw`, or UnreadableMessage saying in one sentence why it cannot be read."""
    raw = bytes(raw)
    problem = _why_not_parsed(raw)
    if problem:
        raise UnreadableMessage(problem)
    try:
        message = BytesParser(policy=default_policy).parsebytes(raw)
        problem = _why_unreadable(message)
    except Exception as error:  # the parser is lenient, but deep nesting or odd bytes can still trip it
        raise UnreadableMessage("The message could not be parsed as email.") from error
    if problem:
        raise UnreadableMessage(problem)
    return message


def _why_not_parsed(raw: bytes) -> str:
    if len(raw) > MAX_MESSAGE_BYTES:
        # Rounded up, so a message just over the limit never reads as "2.0 MB, over the 2 MB limit".
        size = math.ceil(len(raw) * 10 / _MB) / 10
        return f"The message is {size:.1f} MB, over the {MAX_MESSAGE_BYTES // _MB} MB limit."
    if not raw.strip():
        return "The message is empty."
    # The standard parser reads Content-* headers token by token, several times per part: a few
    # hundred kilobytes of them take minutes. Mail programs write a few hundred bytes per part.
    sizes = [len(field) for field in _MIME_HEADER.findall(raw)]
    if sizes and (max(sizes) > _MIME_HEADER_BYTES or sum(sizes) > _MIME_HEADERS_TOTAL):
        return "The message has Content-Type or other MIME headers far longer than mail programs write."
    # Each part costs the parser a tenth of a millisecond, and 2 MB holds 200,000 empty ones.
    if raw.count(b"\n--") > _MAX_BOUNDARY_LINES:
        return f"The message has over {_MAX_BOUNDARY_LINES:,} boundary lines, far more parts than mail has."
    return ""


def _why_unreadable(message: EmailMessage) -> str:
    if not message.keys():
        return 'The message has no header block: it does not start with lines such as "From: ...".'
    # Enclosed messages are left out: bounces return the original cut at a size limit, often
    # mid-part, and that does not make the report itself any less readable.
    for part in _own_parts(message):
        for defect in part.defects:
            for kind, sentence in _FATAL_DEFECTS:
                if isinstance(defect, kind):
                    return sentence
    return ""


def recipients_in_headers(message: EmailMessage) -> list[str]:
    """The addresses the message was delivered to, most specific header first, lowercased, each once."""
    found: dict[str, None] = {}
    for name in _RECIPIENT_HEADERS:
        for value in _raw_headers(message, name):
            for address in _addresses_in(value):
                found.setdefault(address, None)
    return list(found)


def delivery_failure(message: EmailMessage) -> Bounce | None:
    """The failure a bounce reports; None for anything else, delay warnings included."""
    reports = _recipient_reports(message)
    if reports:
        return _failure_in_report(message, reports)
    if is_delay_warning(message) or not _looks_like_bounce(message):
        return None
    return _failure_in_text(message)


def is_delay_warning(message: EmailMessage) -> bool:
    """True when a report says delivery is late but still being tried, so nothing has failed yet."""
    reports = _recipient_reports(message)
    if reports:
        actions = {_action(report) for report in reports}
        return "delayed" in actions and "failed" not in actions
    return bool(_DELAY_SUBJECT.search(_header(message, "Subject")))


def is_auto_reply(message: EmailMessage) -> bool:
    """True for a machine's answer (out of office, acknowledgement), also when a person forwards one.

    Delivery status notifications often carry "Auto-Submitted: auto-replied" as well, so this is
    True for many of them: callers ask delivery_failure first.
    """
    return _is_auto(message, 0)


def message_text(message: EmailMessage) -> str:
    """The readable text: the plain body, else the HTML body reduced to text; "" when there is none."""
    body = _body_part(message)
    if body is None:
        return ""
    text = _decode(_payload_bytes(body), _charset(body))
    if _content_type(body) == "text/html":
        text = _html_text(text)
    # NUL cannot be stored in a PostgreSQL text column, and carriage returns only double the line breaks.
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


# Safe access: header and payload classes of the email package can raise on malformed input, and
# nothing here may raise on a message parse_message returned.


def _clean(text: str) -> str:
    # 8-bit header bytes come back as surrogates; read them as UTF-8 so the text can be stored.
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    return data.decode("utf-8", "replace").replace("\x00", "")


def _raw_headers(message: Message, name: str) -> list[str]:
    wanted = name.lower()
    try:
        return [_clean(str(value)) for key, value in message.raw_items() if key.lower() == wanted]
    except Exception:
        return []


def _header(message: Message, name: str) -> str:
    """One header's decoded value (encoded words read), "" when absent."""
    raw = _raw_headers(message, name)
    if raw and len(raw[0]) > _LONG_HEADER:  # the header classes take seconds over such a value
        return " ".join(raw[0][:_LONG_HEADER].split())
    try:
        value = message.get(name)
        return "" if value is None else " ".join(_clean(str(value)).split())
    except Exception:  # a value the header classes cannot parse: the raw text is better than nothing
        return " ".join(raw[0].split()) if raw else ""


def _content_type(part: Message) -> str:
    # Read from the raw value: the header classes would parse it afresh on every call, and this is
    # asked of every part many times. Anything unusual (comments, no "/") goes to the full parser.
    raw = _raw_headers(part, "Content-Type")
    simple = raw[0].split(";")[0].strip().lower() if raw else ""
    if _SIMPLE_TYPE.match(simple):
        return simple
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _charset(part: Message) -> str:
    try:
        return part.get_content_charset() or "utf-8"
    except Exception:
        return "utf-8"


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _decode(data: bytes, charset: str) -> str:
    # A strict try first, then UTF-8, the usual truth behind a wrong label ("us-ascii" on UTF-8 text);
    # only then the declared charset with replacement characters.
    for encoding in (charset, "utf-8"):
        try:
            return data.decode(encoding)
        except Exception:  # LookupError, UnicodeError, and "not a text encoding" for names like "hex"
            continue
    try:
        return data.decode(charset, "replace")
    except Exception:
        return data.decode("utf-8", "replace")


def _body_part(message: Message) -> Message | None:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # get_body exists only on EmailMessage, and reads Content-Disposition headers
        body = None
    # A lone text part marked as an attachment is still the only text there is.
    if body is None and _content_type(message) in ("text/plain", "text/html"):
        body = message
    return body


def _own_parts(message: Message) -> Iterator[Message]:
    """The message and its MIME parts, without entering enclosed messages (returned or forwarded copies)."""
    stack, seen = [message], 0
    while stack and seen < _MAX_PARTS:
        part = stack.pop()
        seen += 1
        yield part
        if _content_type(part).startswith("multipart/") and part.is_multipart():
            stack.extend(reversed([sub for sub in part.get_payload() if isinstance(sub, Message)]))


def _enclosed_messages(message: Message) -> Iterator[Message]:
    for part in _own_parts(message):
        if _content_type(part) in ("message/rfc822", "message/global") and part.is_multipart():
            inner = part.get_payload()
            if inner and isinstance(inner[0], Message):
                yield inner[0]


def _addresses_in(value: str) -> list[str]:
    """The addresses in one header value, lowercased; what cannot be read is skipped."""
    unfolded = " ".join(value.split())
    try:
        pairs = getaddresses([unfolded])
    except Exception:  # old and tolerant code, but it promises nothing about malformed values
        pairs = []
    found = [address.lower() for _, address in pairs if _ADDRESS.match(address)]
    return found or [address.lower() for address in _ADDRESS_IN_TEXT.findall(unfolded)]


# Delivery status notifications (RFC 3464) and the plain-text bounces that predate them.


def _recipient_reports(message: Message) -> list[dict[str, str]]:
    """The per-recipient field groups of the message's delivery-status parts."""
    reports = []
    for part in _own_parts(message):
        if _content_type(part) in ("message/delivery-status", "message/global-delivery-status"):
            groups = _field_groups(part)
            reports += [group for group in groups if {"action", "final-recipient", "status"} & group.keys()]
    return reports


def _field_groups(part: Message) -> list[dict[str, str]]:
    try:
        payload = part.get_payload()
    except Exception:  # a text payload with 8-bit bytes makes get_payload read the charset parameter
        return []
    if isinstance(payload, list):  # the parser already split message/delivery-status into groups
        return [_fields(group.raw_items()) for group in payload if isinstance(group, Message)]
    text = _decode(_payload_bytes(part), _charset(part)).replace("\r\n", "\n")
    groups = []
    for block in re.split(r"\n[ \t]*\n", text):
        unfolded = re.sub(r"\n[ \t]+", " ", block)
        groups.append(_fields(re.findall(r"^([!-9;-~]+):[ \t]*(.*)$", unfolded, re.M)))
    return groups


def _fields(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name.strip().lower(), " ".join(_clean(str(value)).split()))
    return fields


def _action(report: dict[str, str]) -> str:
    return report.get("action", "").split(" ")[0].split(";")[0].lower()


def _failure_in_report(message: Message, reports: list[dict[str, str]]) -> Bounce | None:
    failed = [
        report
        for report in reports
        if _action(report) == "failed" or (not _action(report) and report.get("status", "").startswith("5"))
    ]
    if not failed:
        return None
    report = failed[0]
    found = _STATUS.search(report.get("status", ""))
    status = found.group(1) if found else ""
    diagnostic = re.sub(r"^\s*[\w-]+\s*;\s*", "", report.get("diagnostic-code", ""))
    recipient = next(
        (
            address
            for field in ("final-recipient", "original-recipient")
            for address in _addresses_in(report.get(field, "").split(";")[-1])
        ),
        "",
    )
    return Bounce(
        permanent=_is_permanent(status, diagnostic),
        status=status,
        reason=_reason(diagnostic) or _reason_in_text(_report_text(message)) or _reason_for_status(status),
        recipient=recipient or _failed_recipient_header(message),
    )


def _looks_like_bounce(message: Message) -> bool:
    if _FAILURE_SUBJECT.search(_header(message, "Subject")) or _raw_headers(message, "X-Failed-Recipients"):
        return True
    sender = _header(message, "From")
    from_daemon = bool(_DAEMON_NAME.search(sender)) or any(
        _DAEMON_ADDRESS.match(address) for address in _addresses_in(sender)
    )
    return from_daemon and bool(_FAILURE_TEXT.search(_report_text(message)))


def _failure_in_text(message: Message) -> Bounce:
    text = _report_text(message)
    reason = _reason_in_text(text)
    found = _FAILED_STATUS.search(reason) or _FAILED_STATUS.search(text)
    status = found.group(1) if found else ""
    return Bounce(
        permanent=_is_permanent(status, reason or text),
        status=status,
        reason=reason or _reason_for_status(status),
        recipient=_failed_recipient_header(message) or _recipient_in_text(message, text),
    )


def _report_text(message: Message) -> str:
    text = message_text(message)
    copy = _RETURNED_COPY.search(text)
    return text[: copy.start()] if copy else text


def _is_permanent(status: str, text: str) -> bool:
    if status:
        return status.startswith("5")
    code = _SMTP_CODE.search(text)
    if code:
        return code.group(1).startswith("5")
    # A server that gave up without a code: permanent unless it says the problem was passing.
    return not _TEMPORARY.search(text)


def _reason_in_text(text: str) -> str:
    """The bounce line carrying the remote server's reply, from the reply code on."""
    lines = text.splitlines()
    for pattern in (_CODE_AND_STATUS, _SMTP_CODE):  # the most telling line first
        for index, line in enumerate(lines):
            found = pattern.search(line)
            if found:
                return _reason(" ".join([line[found.start() :], *_continuation(lines[index + 1 :])]))
    for index, line in enumerate(lines[:-1]):  # qmail and Yahoo: "<address>:" and the reason below it
        if _ADDRESS_LINE.match(line) and lines[index + 1].strip():
            return _reason(lines[index + 1])
    for line in lines:  # a status in parentheses at the end of a sentence: keep the whole sentence
        if _FAILED_STATUS.search(line) or _FAILURE_TEXT.search(line):
            return _reason(line)
    return ""


def _continuation(lines: list[str]) -> list[str]:
    # Wrapped replies continue indented, or repeat their code on each line ("550-5.1.1 ...").
    taken = []
    for line in lines[:5]:
        if not line.strip() or not (line[:1].isspace() or re.match(r"[245]\d\d[ -]", line)):
            break
        taken.append(line)
    return taken


def _reason(text: str) -> str:
    """One line for people: whitespace folded, repeated reply codes dropped, at most 300 characters."""
    text = " ".join(text.split())
    lead = _REPLY_LEAD.match(text)
    if lead:
        code, status = lead.groups()
        # Multi-line SMTP replies repeat "550-5.1.1" on every line (RFC 5321 4.2.1): once is enough.
        repeated = rf"\s{code}[ -]" + (rf"{re.escape(status)}\s" if status else "")
        rest = re.sub(repeated, " ", text[lead.end() :])
        text = " ".join(f"{code} {status or ''} {rest}".split())
    return text if len(text) <= _REASON_LENGTH else text[: _REASON_LENGTH - 1].rstrip() + "…"


def _reason_for_status(status: str) -> str:
    return f"The receiving server refused the message with status {status}." if status else ""


def _failed_recipient_header(message: Message) -> str:
    for value in _raw_headers(message, "X-Failed-Recipients"):
        for address in _addresses_in(value):
            return address
    return ""


def _recipient_in_text(message: Message, text: str) -> str:
    ours = set(recipients_in_headers(message)) | set(_addresses_in(_header(message, "From")))
    for address in _ADDRESS_IN_TEXT.findall(text):
        address = address.lower()
        if address not in ours and not _DAEMON_ADDRESS.match(address):
            return address
    return ""


# Auto-replies and acknowledgements (RFC 3834 and the conventions that came before it).


def _is_auto(message: Message, depth: int) -> bool:
    if _auto_headers(message) or _auto_subject(_header(message, "Subject")):
        return True
    text = message_text(message)
    if _ACKNOWLEDGEMENT.search(_first_lines(text)):
        return True
    if any(_forward_is_auto(block) for block in _forwarded_blocks(text)):
        return True
    return depth < _MAX_DEPTH and any(_is_auto(inner, depth + 1) for inner in _enclosed_messages(message))


def _auto_headers(message: Message) -> bool:
    submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return True
    for name in _AUTO_HEADERS:
        values = _raw_headers(message, name)
        if values and values[0].strip().lower() not in ("no", "false", "0", "off"):
            return True
    return _header(message, "Precedence").strip().lower() in ("auto_reply", "bulk", "junk")


def _auto_subject(subject: str) -> bool:
    bare = _REPLY_PREFIXES.sub("", subject)
    return bool(_AUTO_SUBJECT.search(bare) or _ACKNOWLEDGEMENT.search(bare))


def _first_lines(text: str) -> str:
    lines = [line for line in _QUOTE_MARKS.sub("", text[:_SCAN_CHARS]).splitlines() if line.strip()]
    return " ".join(" ".join(lines[:_FIRST_LINES]).split())


def _forwarded_blocks(text: str) -> list[str]:
    """The start of the text after each inline forward marker, where the forwarded message's headers are."""
    markers = itertools.islice(_FORWARD_MARKER.finditer(text), _MAX_FORWARDS)
    return [text[marker.end() : marker.end() + _SCAN_CHARS] for marker in markers]


def _forward_is_auto(block: str) -> bool:
    lines = _QUOTE_MARKS.sub("", block).splitlines()
    for line in lines[:12]:  # the forwarded message's headers, as the mail program wrote them out
        field = _INLINE_HEADER.match(line)
        if not field:
            continue
        name, value = field.group(1).lower(), field.group(2)
        if (name == "subject" and _auto_subject(value)) or (
            name == "auto-submitted" and value.strip().lower() not in ("", "no")
        ):
            return True
    return bool(_ACKNOWLEDGEMENT.search(_first_lines("\n".join(lines))))


# HTML reduced to text with the standard library's tolerant parser.

_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset"),
        *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr"),
        *("li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"),
    }
)
_HIDDEN = frozenset({"script", "style", "title", "template"})


class _TextFromHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS and tag != "br":
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(re.sub(r"\s+", " ", data))


def _html_text(html: str) -> str:
    reader = _TextFromHtml()
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # HTMLParser gives up on some broken markup; what it read so far still counts
        pass
    lines = [" ".join(line.split()) for line in "".join(reader.pieces).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
