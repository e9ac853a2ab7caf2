"""One Redis client per process and URL for the places that ask Redis themselves: the health check
and the job-queue depth /metrics reports. (The page cache and the rate limits get theirs through
Flask-Caching and Flask-Limiter; jobs through RQ.)"""

from functools import lru_cache

from redis import Redis

TIMEOUT = 0.5  # seconds: a check must answer quickly even when Redis stops answering


@lru_cache(maxsize=4)
def quick_redis(url: str) -> Redis:
    """A client that gives up after TIMEOUT, kept for the process (a load balancer asks /healthz
    every few seconds, Prometheus scrapes /metrics every few more)."""
    return Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
