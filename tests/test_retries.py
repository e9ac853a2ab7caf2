"""The retry policy every outside client shares: 429 and 5xx asked again, Retry-After honoured."""

import pytest
from pytest_httpserver import HTTPServer

from advocacy.clients.openstates_api import OpenStatesAPI, OpenStatesAPIError

KEY = "a-test-key"
SESSIONS = {"legislative_sessions": [{"identifier": "2026", "name": "2026 Regular Session"}]}


def api(httpserver: HTTPServer, waits: list[float]) -> OpenStatesAPI:
    return OpenStatesAPI(
        httpserver.url_for("/").rstrip("/"), KEY, per_minute=0, backoff=2.0, sleep=waits.append
    )


def test_open_states_is_asked_again_after_the_wait_its_retry_after_names(httpserver: HTTPServer):
    httpserver.expect_oneshot_request("/jurisdictions/mo").respond_with_json(
        {"detail": "exceeded limit of 10/min: 11"}, status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/jurisdictions/mo").respond_with_json(SESSIONS)
    waits: list[float] = []

    with api(httpserver, waits) as client:
        sessions = client.sessions("mo")

    assert [s.identifier for s in sessions] == ["2026"]
    assert waits == [7] and client.requests == 2


def test_without_retry_after_the_waits_grow_and_the_last_answer_is_explained(httpserver: HTTPServer):
    httpserver.expect_request("/jurisdictions/mo").respond_with_json(
        {"detail": "Bad Gateway"}, status=502, headers={"Retry-After": "soon"}
    )
    waits: list[float] = []

    with api(httpserver, waits) as client, pytest.raises(OpenStatesAPIError) as failed:
        client.sessions("mo")

    assert (
        str(failed.value) == "Open States had trouble answering (HTTP 502); the next refresh will try again."
    )
    # No wait before the first retry, then backoff x 2, x 4; a Retry-After that is no number or
    # date is ignored.
    assert waits == [4.0, 8.0] and client.requests == 4
