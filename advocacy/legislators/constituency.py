"""Proof, carried from the address lookup to the letter form, of which lawmakers represent the writer.

A letter may say "I am your constituent" and name the district only to a lawmaker the lookup found
for the writer's own address. The lookup signs the ids it found (and the town the Census matched,
to fill in the form); the letter form trusts nothing else. The address itself is never carried.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from advocacy.legislators.lookup import LookupResult

# A person may keep the letter form open for a while after looking up their address.
FOUND_MAX_AGE = 24 * 3600


class LookupExpired(ValueError):
    """The signed lookup is too old, or was altered: the writer should look up their address again."""


@dataclass(frozen=True)
class FoundLawmakers:
    """The lawmakers the address lookup found for the writer, and the town it matched."""

    ids: frozenset[str]
    town: str

    def represents(self, person_id: str) -> bool:
        return person_id in self.ids


NOBODY = FoundLawmakers(ids=frozenset(), town="")


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="advocacy.lookup")


def town_of(matched_address: str) -> str:
    """ "201 W CAPITOL AVE, JEFFERSON CITY, MO, 65101" → "Jefferson City" ("" when it has no town)."""
    parts = [part.strip() for part in matched_address.split(",")]
    return parts[-3].title() if len(parts) >= 4 else ""


def sign_found(secret: str, result: LookupResult) -> str:
    ids = sorted(person.id for person in result.legislators)
    return _serializer(secret).dumps({"ids": ids, "town": town_of(result.address)})


def read_found(secret: str, signed: str) -> FoundLawmakers:
    """The lawmakers a lookup found; NOBODY when there was no lookup, LookupExpired when it is unusable."""
    if not signed:
        return NOBODY
    try:
        data = _serializer(secret).loads(signed, max_age=FOUND_MAX_AGE)
    except SignatureExpired as error:
        raise LookupExpired("Your address lookup is more than a day old.") from error
    except BadSignature as error:
        raise LookupExpired("Your address lookup could not be read.") from error
    ids = data.get("ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise LookupExpired("Your address lookup could not be read.")
    town = data.get("town")
    return FoundLawmakers(ids=frozenset(ids), town=town if isinstance(town, str) else "")
