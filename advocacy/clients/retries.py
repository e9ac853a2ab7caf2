"""The one retry policy of every outside client: which answers are asked again, how often, after
how long. A server's Retry-After is honoured, up to the longest wait the caller can afford."""

from urllib3.exceptions import InvalidHeader
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

# Rate limited, or the server's own trouble: worth asking again. Anything else is the answer.
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_policy(*, retries: int, backoff: float, longest_wait: float) -> Retry:
    """Up to `retries` more GETs after a failed connection or a RETRIED_STATUSES answer.

    Waits follow urllib3: none before the first retry, then `backoff` x 2, x 4, … unless the server
    sends Retry-After, which is waited (at most `longest_wait`). A read that timed out is not asked
    again: the server may still be working on the first.
    """
    return Retry(
        total=retries,
        connect=retries,
        read=False,
        status=retries,
        backoff_factor=backoff,
        backoff_max=longest_wait,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=("GET",),
        raise_on_status=False,
        respect_retry_after_header=True,
        retry_after_max=max(0, round(longest_wait)),
    )


def wait_before_retry(retry: Retry, response: BaseHTTPResponse) -> float:
    """Seconds `retry.sleep(response)` would wait, for a client that waits by its own clock."""
    try:
        after = retry.get_retry_after(response) if retry.respect_retry_after_header else None
    except InvalidHeader:  # a Retry-After that is neither a number nor a date
        after = None
    return after if after else retry.get_backoff_time()
