"""What the browser tests check on every page (axe-core, sideways scrolling, console); how they count taps."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
# Flags for a machine with no outside network (see the README's testing notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name but localhost resolves, so nothing a page asks for can leave the machine; `audit`
    # names any request to another site. (A test's own page.route answers before any lookup.)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# The two screens every journey and page is seen on: a small phone and a laptop.
VIEWPORTS: dict[str, dict[str, object]] = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
SHOWN_TARGETS = 3  # selectors named per axe-core rule in a failure message
SHOWN_OFFENDERS = 5  # elements named when a page scrolls sideways


@dataclass
class PageAudit:
    """One page as seen at one viewport: what axe-core found, how wide it is, what the console said."""

    test: str
    viewport: str
    path: str
    violations: list[dict] = field(default_factory=list)
    scroll_width: int = 0
    client_width: int = 0
    offenders: list[dict] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.violations or self.overflow or self.console_errors or self.outside_requests)

    @property
    def overflow(self) -> int:
        """Pixels the page scrolls sideways (0 when it fits)."""
        return max(0, self.scroll_width - self.client_width)

    def summary(self) -> str:
        """One line for the closing report: rule ids with their node counts, and the overflow."""
        rules = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in self.violations)
        parts = [f"axe: {rules}" if rules else "axe: 0 violations"]
        parts.append(f"overflow: {self.overflow} px" if self.overflow else "no overflow")
        if self.console_errors:
            parts.append(f"console errors: {len(self.console_errors)}")
        if self.outside_requests:
            parts.append(f"outside requests: {len(self.outside_requests)}")
        return "; ".join(parts)

    def explain(self) -> str:
        """The failure message: every problem, with enough detail to find it in the template."""
        lines = [f"{self.path} at {self.viewport} ({self.client_width} px wide):"]
        for v in self.violations:
            lines.append(f"  axe {v['id']} [{v['impact']}] on {len(v['nodes'])} element(s): {v['help']}")
            for node in v["nodes"][:SHOWN_TARGETS]:
                lines.append(f"      {' '.join(map(str, node['target']))}")
            if len(v["nodes"]) > SHOWN_TARGETS:
                lines.append(f"      … and {len(v['nodes']) - SHOWN_TARGETS} more")
        if self.overflow:
            lines.append(
                f"  scrolls sideways: the page is {self.scroll_width} px wide in a {self.client_width} px "
                "window; widest elements:"
            )
            for o in self.offenders:
                lines.append(
                    f"      {o['selector']} (right edge {o['right']} px, {o['width']} px wide) {o['text']!r}"
                )
        for message in self.console_errors:
            lines.append(f"  console error: {message}")
        for url in self.outside_requests:
            lines.append(f"  request to another site: {url}")
        return "\n".join(lines)


@dataclass
class TapCount:
    test: str
    viewport: str
    milestone: str
    taps: int
    fields: int


@dataclass
class BrowserReport:
    """Collected over the session and printed at its end, for the closing note of a change."""

    audits: list[PageAudit] = field(default_factory=list)
    taps: list[TapCount] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.taps:
            out.append("Taps (clicks and taps; typing counted apart) from landing:")
            for t in self.taps:
                out.append(f"  {t.test} [{t.viewport}] {t.milestone}: {t.taps} taps, {t.fields} fields typed")
        if self.audits:
            pages: dict[str, dict[str, list[PageAudit]]] = {}
            for a in self.audits:
                pages.setdefault(page_kind(a.path), {}).setdefault(a.viewport, []).append(a)
            failing = sum(not a.passed for a in self.audits)
            out.append(
                f"Pages audited (axe-core, sideways scrolling, console): {len(pages)} pages, "
                f"{len(self.audits)} audits, {failing} failing"
            )
            for path in sorted(pages):
                seen = []
                for viewport in VIEWPORTS:
                    audits = pages[path].get(viewport, [])
                    if audits:
                        worst = next((a for a in audits if not a.passed), audits[0])
                        seen.append(f"{viewport}: {worst.summary()}")
                passed = all(a.passed for found in pages[path].values() for a in found)
                out.append(f"  {'ok  ' if passed else 'FAIL'} {path}  {' | '.join(seen)}")
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "taps": [t.__dict__ for t in self.taps],
                "audits": [
                    {
                        "test": a.test,
                        "viewport": a.viewport,
                        "path": a.path,
                        "passed": a.passed,
                        "violations": [
                            {
                                "id": v["id"],
                                "impact": v["impact"],
                                "nodes": len(v["nodes"]),
                                "targets": [n["target"] for n in v["nodes"][:SHOWN_TARGETS]],
                            }
                            for v in a.violations
                        ],
                        "overflow": a.overflow,
                        "offenders": a.offenders,
                        "console_errors": a.console_errors,
                        "outside_requests": a.outside_requests,
                    }
                    for a in self.audits
                ],
            },
            indent=2,
        )


REPORT = BrowserReport()


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def watch(page: Page, viewport: str, test: str) -> Page:
    """Have `page` remember console errors, uncaught script errors and requests to other sites.

    A content-policy violation shows up as a console error, so a page that breaks the site's
    strict policy fails its audit.
    """
    page.viewport_name = viewport
    page.test_name = test
    page.console_errors = []
    page.outside_requests = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        # The document's own status (a 404 page, a 400 answer) is the test's business, not an error.
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        page.console_errors.append(message.text)

    def on_request(request) -> None:
        if urlsplit(request.url).hostname not in {"127.0.0.1", "localhost"} and request.url.startswith(
            "http"
        ):
            page.outside_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    page.on("request", on_request)
    return page


# Elements that stick out past the right edge while their parent does not: where sideways
# scrolling starts. Elements inside a box that scrolls or clips on its own are fine.
_OVERFLOW = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const found = {scrollWidth: root.scrollWidth, clientWidth: limit, offenders: []};
  if (root.scrollWidth <= limit) return found;
  const sticksOut = (el) => el.getBoundingClientRect().right > limit + 0.5;
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of Array.from(el.classList).slice(0, 2)) s += '.' + c;
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let at = el; at && at !== document.body && parts.length < 4; at = at.parentElement) {
      parts.unshift(name(at));
    }
    return parts.join(' > ');
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!sticksOut(el) || contained(el)) continue;
    if (el.parentElement && el.parentElement !== document.body && sticksOut(el.parentElement)) continue;
    const box = el.getBoundingClientRect();
    offenders.push({
      selector: path(el),
      right: Math.round(box.right),
      width: Math.round(box.width),
      text: (el.innerText || el.getAttribute('href') || '').trim().replace(/\\s+/g, ' ').slice(0, 50),
    });
  }
  offenders.sort((a, b) => b.right - a.right);
  found.offenders = offenders.slice(0, SHOWN);
  return found;
}""".replace("SHOWN", str(SHOWN_OFFENDERS))


def check_page(page: Page, record: bool = True) -> PageAudit:
    """Audit the page as it is now and return the result, kept for the session report if `record`."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the browser's debugging protocol, which the page's content policy does not
        # govern; a <script> tag (Playwright's add_script_tag) would be refused by script-src 'self'.
        page.evaluate(_axe_source())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    width = page.evaluate(_OVERFLOW)
    result = PageAudit(
        test=getattr(page, "test_name", ""),
        viewport=getattr(page, "viewport_name", "?"),
        path=_path_of(page.url),
        violations=[
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [{"target": n["target"]} for n in v["nodes"]],
            }
            for v in violations
        ],
        scroll_width=width["scrollWidth"],
        client_width=width["clientWidth"],
        offenders=width["offenders"],
        console_errors=list(getattr(page, "console_errors", [])),
        outside_requests=list(getattr(page, "outside_requests", [])),
    )
    if hasattr(page, "console_errors"):  # each audit answers for the pages since the last one
        page.console_errors.clear()
        page.outside_requests.clear()
    if record:
        REPORT.audits.append(result)
    return result


def audit(page: Page) -> PageAudit:
    """Fail unless the page has no axe-core violation of any impact, fits its width and logged no error."""
    result = check_page(page)
    assert result.passed, result.explain()
    return result


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through the form, as a person would, and wait for the page after it."""
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def page_kind(path: str) -> str:
    """A path with its made-up parts (letter tokens, person ids, signed values) folded, to group audits."""
    path = re.sub(
        r"/letters/(batch/|outbox/confirm/|reply/)?(?!new\b)[\w.-]{16,}", r"/letters/\1<token>", path
    )
    path = re.sub(r"ocd-person/[0-9a-f-]{36}", "<person>", path)
    return re.sub(r"(found|address)=[^&]+", r"\1=…", path)


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


_NAVIGATES = """el => {
  const link = el.closest('a[href]');
  if (link) {
    return !link.getAttribute('href').startsWith('#') && !link.target && !link.hasAttribute('download');
  }
  const button = el.closest('button, input[type=submit]');
  return Boolean(button && button.type === 'submit' && button.form);
}"""


class Taps:
    """Acts as a person would (a tap on a phone, a click on a desktop) and counts taps apart from typing.

    `milestone("sent")` records the count so far in the session report: "taps from landing to a
    sent letter" is then a line of the test run's summary.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.fields = 0
        self._touch = getattr(page, "viewport_name", "") == "phone"

    def tap(self, locator: Locator, *, navigates: bool | None = None) -> None:
        """Tap (phone) or click (desktop); when that leaves the page, wait until the next one has loaded.

        Whether it leaves is read from the element (a link elsewhere, a form's submit button);
        say `navigates=False` for one that script keeps on the page, or a download.
        """
        if navigates is None:
            navigates = locator.evaluate(_NAVIGATES)
        press = locator.tap if self._touch else locator.click
        if navigates:
            # A tap reaches the page as a click a moment later: wait for the page it opens.
            with self.page.expect_navigation():
                press()
        else:
            press()
        self.taps += 1

    def fill(self, locator: Locator, text: str) -> None:
        """Type into a field: counted as a field typed, not as a tap."""
        locator.fill(text)
        self.fields += 1

    def check(self, locator: Locator) -> None:
        locator.check()
        self.taps += 1

    def select(self, locator: Locator, value: str | None = None, *, label: str | None = None) -> None:
        """Choose from a drop-down by value or visible label: one tap opens it, one picks the option."""
        locator.select_option(value, label=label)
        self.taps += 2

    def milestone(self, name: str) -> TapCount:
        count = TapCount(
            test=getattr(self.page, "test_name", ""),
            viewport=getattr(self.page, "viewport_name", "?"),
            milestone=name,
            taps=self.taps,
            fields=self.fields,
        )
        REPORT.taps.append(count)
        return count
