"""Ways to send a letter: email compose links with every character safely encoded."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

# Current mail programs take mailto links of several thousand characters, which holds an ordinary
# letter with a personal paragraph; past this length some cut the text short. (Very old desktop
# programs stopped near 2,000 characters, which is why the letter's page always offers Copy too.)
MAILTO_SAFE_LENGTH = 8000


@dataclass(frozen=True)
class EmailLinks:
    mailto: str
    gmail: str
    outlook: str
    copy_address: str = ""  # in Bcc: its arrival tells the site the letter was sent

    @property
    def mailto_may_be_too_long(self) -> bool:
        return len(self.mailto) > MAILTO_SAFE_LENGTH


def email_links(to: str, subject: str, body: str, bcc: str = "") -> EmailLinks:
    """Compose links for the writer's own mail; `bcc` is the letter's copy address, when the site has one."""
    # RFC 6068: line breaks in a mailto body are CRLF, and every reserved character is %-encoded.
    crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    fields = [("bcc", bcc)] if bcc else []
    fields += [("subject", subject), ("body", crlf_body)]
    mailto = f"mailto:{quote(to, safe='@')}?" + "&".join(
        f"{k}={quote(v, safe='@' if k == 'bcc' else '')}" for k, v in fields
    )
    with_copy = {"bcc": bcc} if bcc else {}
    gmail = "https://mail.google.com/mail/?" + urlencode(
        {"view": "cm", "fs": "1", "to": to, **with_copy, "su": subject, "body": body}, quote_via=quote
    )
    outlook = "https://outlook.live.com/mail/0/deeplink/compose?" + urlencode(
        {"to": to, **with_copy, "subject": subject, "body": body}, quote_via=quote
    )
    return EmailLinks(mailto=mailto, gmail=gmail, outlook=outlook, copy_address=bcc)
