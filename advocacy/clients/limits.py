"""How many requests of one process may wait on an outside service at once: the rest are told so."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ServiceBusy(RuntimeError):
    """Every slot for the outside service is taken: the caller is told at once instead of queueing."""


class ConcurrencyLimit:
    """A bounded semaphore taken without waiting (or with a tiny wait).

    A gunicorn worker has few threads; a thread waiting on a slow service is a thread no page gets.
    Keeping the limit below the thread count leaves threads for pages whatever the service does.
    """

    def __init__(self, size: int, busy: type[ServiceBusy] = ServiceBusy, wait: float = 0.0) -> None:
        if size < 1:
            raise ValueError("a concurrency limit needs at least one slot")
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._busy = busy
        self._wait = wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        if self._wait > 0:
            taken = self._slots.acquire(timeout=self._wait)
        else:
            taken = self._slots.acquire(blocking=False)
        if not taken:
            raise self._busy(f"all {self.size} slots are taken")
        try:
            yield
        finally:
            self._slots.release()
