"""Registering and asking for a new password do the same work for an address with an account as
for one without, so neither what is said nor how long it takes tells which addresses have one.
(Timings are not asserted here; the statements run and the hashing done are.)"""

from __future__ import annotations

from advocacy.auth import mails, service
from tests.conftest import PASSWORD


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_registering_a_taken_or_a_new_address_runs_as_many_statements(
    no_csrf, client, auth, count_queries, monkeypatch
):
    auth.create("pat@example.org")
    hashed = []
    real_hash = service.hash_password
    monkeypatch.setattr(service, "hash_password", lambda password: hashed.append(1) or real_hash(password))

    def register(email: str):
        return client.post(
            "/auth/register", data={"email": email, "password": PASSWORD, "password_again": PASSWORD}
        )

    with count_queries() as taken:
        register("pat@example.org")
    with count_queries() as fresh:
        register("new@example.org")

    assert len(taken) == len(fresh), (taken, fresh)
    assert len(_writes(taken)) == len(_writes(fresh)) == 1
    assert hashed == [1, 1]


def test_asking_to_reset_a_known_or_an_unknown_address_does_the_same_work(
    no_csrf, client, auth, count_queries, monkeypatch
):
    auth.create("pat@example.org")
    signed = []
    real_reset = mails.reset
    monkeypatch.setattr(mails, "reset", lambda user, secret: signed.append(1) or real_reset(user, secret))

    with count_queries() as known:
        client.post("/auth/reset", data={"email": "pat@example.org"})
    with count_queries() as unknown:
        client.post("/auth/reset", data={"email": "nobody@example.org"})

    assert len(known) == len(unknown), (known, unknown)
    assert signed == [1, 1]  # a link signed and a message written for both
