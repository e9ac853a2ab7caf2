"""Fetching lawmakers' photos for the site's own store: by the worker after a sync, or from the shell,
each photo and each run within its deadline (PHOTO_FETCH_SECONDS, PHOTO_RUN_SECONDS)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from advocacy.clients.photos import PhotoCounts, PhotoFetcher, PhotoStore, allowed_networks, fetch_photos
from advocacy.models import Legislator


def fetch_state_photos(session: Session, config: Mapping[str, object], abbrs: list[str]) -> PhotoCounts:
    """Fetch the sitting lawmakers' photos for these states (every state when empty)."""
    query = select(Legislator.image).where(Legislator.retired_at.is_(None), Legislator.image != "")
    if abbrs:
        query = query.where(Legislator.state_abbr.in_(abbrs))
    urls = list(session.scalars(query.order_by(Legislator.state_abbr, Legislator.id)))
    session.commit()  # no transaction stays open while legislatures' servers answer
    store = PhotoStore(Path(str(config["PHOTO_CACHE_DIR"])))
    fetcher = PhotoFetcher(
        float(config["HTTP_TIMEOUT"]),
        allowed_networks(config["PHOTO_ALLOWED_NETWORKS"]),
        max_seconds=float(config["PHOTO_FETCH_SECONDS"]),
    )
    return fetch_photos(store, fetcher, urls, max_seconds=float(config["PHOTO_RUN_SECONDS"]))
