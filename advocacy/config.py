"""Configuration defaults; instance/config.py and ADVOCACY_* environment variables override them."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from advocacy import folders
from advocacy.links import SiteAddressProblem, check_base_url

OFFICIAL_OPENSTATES_URL = "https://data.openstates.org/people/current"
OFFICIAL_CENSUS_URL = "https://geocoding.geo.census.gov/geocoder"
# Signs sessions and every link token: good enough for a debug server, refused anywhere else.
DEFAULT_SECRET_KEY = "dev-only-change-me"
# Where `flask run` serves, the one place BASE_URL may be left out (debug and tests).
DEBUG_BASE_URL = "http://127.0.0.1:5000"
# Characters a secret key needs outside debug: 32 is what secrets.token_hex(16) gives, and
# token_hex(32), which the message suggests, gives 64.
MINIMUM_SECRET_KEY_LENGTH = 32


def defaults(instance_path: str) -> dict[str, object]:
    return {
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'advocacy.sqlite3'}",
        "REDIS_URL": "",
        "OPENSTATES_URL": OFFICIAL_OPENSTATES_URL,
        # Open States API v3, for the bills before each legislature (optional: without a key the
        # pages show the bills admins add by hand). The free key allows 10 requests a minute.
        "OPENSTATES_API_URL": "https://v3.openstates.org",
        "OPENSTATES_API_KEY": "",
        "OPENSTATES_API_PER_MINUTE": 10,
        "OPENSTATES_API_PER_DAY": 250,
        # After a 429 or 5xx without Retry-After: asked again at the next paced request, then after
        # twice, then four times this many seconds.
        "OPENSTATES_API_BACKOFF": 5.0,
        # Caps on one state's refresh, whatever Open States answers: its time in all (waits between
        # requests included: 25 pages at 10 a minute take 150 s), one answer's size, and its pages.
        "OPENSTATES_API_MAX_SECONDS": 300.0,
        "OPENSTATES_API_MAX_BYTES": 8 * 1024 * 1024,
        "OPENSTATES_API_MAX_PAGES": 25,
        "CENSUS_URL": OFFICIAL_CENSUS_URL,
        # Lookups one process lets wait on the Geocoder at once; more are told the site is busy.
        # Keep it below gunicorn's threads per worker (gunicorn.conf.py) so pages always have one.
        "GEOCODER_CONCURRENCY": 1,  # of gunicorn.conf.py's 2 threads a worker: 1 always serves pages
        "SMTP_URL": "",
        # Werkzeug's method string: scrypt with its defaults, or e.g. "scrypt:65536:8:1" for more work.
        "PASSWORD_HASH_METHOD": "scrypt",
        "MAIL_FROM": "Advocacy <no-reply@localhost>",
        # Account mail (confirm, reset) leaves from a thread after the answer: see mail.py.
        "MAIL_AFTER_ANSWER": True,
        "HTTP_TIMEOUT": 10.0,
        "LETTER_TEMPLATES_DIR": str(folders.LETTER_TEMPLATES),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "LEGISLATORS_PER_PAGE": 50,
        "PHOTO_CACHE_DIR": str(Path(instance_path) / "photos"),
        # Private networks photos may come from anyway (an intranet photo server); public only by default.
        "PHOTO_ALLOWED_NETWORKS": [],
        # Deadlines for fetching photos: one photo (redirects and download included), and one run.
        "PHOTO_FETCH_SECONDS": 30.0,
        "PHOTO_RUN_SECONDS": 1800.0,
        # Personal details of letters (name, town, email, own words) are removed after this.
        "LETTER_RETENTION_DAYS": 365,
        # Drafts saved without an account and never sent are deleted after this many days.
        "ANONYMOUS_DRAFT_DAYS": 30,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
        "PROXY_COUNT": 0,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATE_LIMIT_LOGIN": "10 per minute;100 per day",  # per account
        "RATE_LIMIT_LOGIN_ADDRESS": "60 per minute;1000 per day",  # per visitor's address
        "RATE_LIMIT_REGISTER": "5 per hour",
        "RATE_LIMIT_RESET": "5 per hour",
        "RATE_LIMIT_LETTERS": "60 per hour",
        "RATE_LIMIT_API": "300 per minute",
        "RATE_LIMIT_LOOKUP": "30 per minute",
        "RATE_LIMIT_CORRECTIONS": "10 per hour",
        "RATE_LIMIT_OUTBOX": "10 per hour",
        # The admin's lawmaker page flags a state whose last good sync is older than this.
        "LEGISLATOR_STALE_DAYS": 30,
        # Days after a letter is sent before its writer is asked, once, whether an answer came.
        "REMINDER_DAYS": 14,
        # Where people reach the site (scheme, host, port): every link in mail and every link to
        # share starts with it, never with the Host a request names. Required outside debug.
        "BASE_URL": "",
        # Host names requests may name (comma-separated); others are refused with a 400. Empty:
        # BASE_URL's host alone, outside debug and tests, which answer any.
        "TRUSTED_HOSTS": [],
        # Inbound mail (optional): copies that confirm sends, bounces and forwarded answers come to
        # addresses at this domain. Unset: no copy address in email links, and the page asks instead.
        "INBOUND_DOMAIN": "",
        # An ordinary mailbox those addresses land in, read and emptied by `advocacy read-mailbox`.
        "INBOUND_IMAP_URL": "",
        # The bearer token a mail provider's forwarder sends with POST /inbound/mail.
        "INBOUND_SECRET": "",
        # Inbound messages' outcomes (no text, no sender) are kept this long for the admin's view.
        "INBOUND_LOG_DAYS": 90,
        # A lawmaker's reply rate is shown only once this many writers have said whether they heard back.
        "RESPONSIVENESS_MINIMUM": 5,
        # Log lines as text ("plain") or one JSON object a line ("json"); both carry the request id.
        "LOG_FORMAT": "plain",
        # The bearer token Prometheus sends for GET /metrics. Unset: /metrics answers 404.
        "METRICS_TOKEN": "",
    }


class ConfigurationProblem(RuntimeError):
    """A setting the app cannot safely run with; the message says what to set."""


def secret_key_problem(key: str | bytes) -> str | None:
    """What is wrong with a secret key for serving (the shipped one, or a short one), or None."""
    if key in (DEFAULT_SECRET_KEY, ""):
        return (
            "SECRET_KEY is the development default, which anyone can read: set ADVOCACY_SECRET_KEY "
            "(or SECRET_KEY in instance/config.py) to a long random value, for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))'."
        )
    if len(key.strip() if isinstance(key, str) else key) < MINIMUM_SECRET_KEY_LENGTH:
        return (
            f"SECRET_KEY is shorter than {MINIMUM_SECRET_KEY_LENGTH} characters, so it can be guessed: set "
            "ADVOCACY_SECRET_KEY to the output of python -c 'import secrets; print(secrets.token_hex(32))'."
        )
    return None


def check_for_serving(config: dict, *, debug_or_testing: bool) -> None:
    """Refuse settings that would be unsafe to serve: the shipped secret key, a short one, or no
    BASE_URL; and trust only BASE_URL's host name unless TRUSTED_HOSTS names others.

    A debug server or a test may run without BASE_URL (links then name the debug server), with
    any secret key, and answers any host name.
    """
    problems = []
    if not debug_or_testing and (weak_key := secret_key_problem(config["SECRET_KEY"])):
        problems.append(weak_key)
    if debug_or_testing and not config["BASE_URL"]:
        config["BASE_URL"] = DEBUG_BASE_URL
    try:
        config["BASE_URL"] = check_base_url(config["BASE_URL"])
    except SiteAddressProblem as problem:
        problems.append(str(problem))
    if problems:
        raise ConfigurationProblem("Advocacy will not start: " + " ".join(problems))
    if not config["TRUSTED_HOSTS"] and not debug_or_testing:
        # A forged Host then gets a plain 400 before any view, cache or link reads it. A site served
        # on this machine alone (`make run`) answers each name of the loopback address.
        host = urlsplit(config["BASE_URL"]).hostname
        config["TRUSTED_HOSTS"] = list(LOOPBACK_NAMES) if host in LOOPBACK_NAMES else [host]


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")

# The forms Werkzeug's generate_password_hash takes.
PASSWORD_HASH_METHODS = re.compile(r"^(scrypt(:\d+:\d+:\d+)?|pbkdf2(:sha(256|512))?(:\d+)?)$")
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def apply_types(config: dict, defaults: dict[str, object]) -> None:
    """Settings from the environment arrive as text: give each the type of its default (a whole
    number, a number, yes/no, a comma-separated list), or refuse to start saying what is wrong."""
    problems = []
    for key, default in defaults.items():
        value = config.get(key)
        if not isinstance(value, str) or isinstance(default, str) or default is None:
            continue
        text = value.strip()
        if isinstance(default, bool):
            if text.lower() not in TRUE_WORDS | FALSE_WORDS:
                problems.append(f"{key} must be true or false, not {value!r}")
                continue
            config[key] = text.lower() in TRUE_WORDS
        elif isinstance(default, int):
            if not (text.isascii() and text.isdigit()):
                problems.append(f"{key} must be a whole number such as {default}, not {value!r}")
                continue
            config[key] = int(text)
        elif isinstance(default, float):
            try:
                config[key] = float(text)
            except ValueError:
                problems.append(f"{key} must be a number such as {default}, not {value!r}")
        elif isinstance(default, list):
            config[key] = [part.strip() for part in text.split(",") if part.strip()]
    if not PASSWORD_HASH_METHODS.match(str(config.get("PASSWORD_HASH_METHOD", ""))):
        problems.append(
            "PASSWORD_HASH_METHOD must be scrypt, scrypt:N:R:P (such as scrypt:65536:8:1) or "
            f"pbkdf2:sha256:ITERATIONS, not {config.get('PASSWORD_HASH_METHOD')!r}"
        )
    concurrency = config.get("GEOCODER_CONCURRENCY")
    if isinstance(concurrency, int) and concurrency < 1:
        problems.append(f"GEOCODER_CONCURRENCY must be 1 or more (lookups at once), not {concurrency}")
    if problems:
        raise ConfigurationProblem("Advocacy will not start: " + "; ".join(problems) + ".")
