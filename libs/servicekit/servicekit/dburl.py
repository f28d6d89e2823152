"""Database URL forms, free of FastAPI so the gateway can use them cheaply."""


def async_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs in settings and pick the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url


def plain_url(url: str) -> str:
    """The libpq form of a URL (for asyncpg.connect and tools)."""
    return "postgresql://" + async_url(url)[len("postgresql+asyncpg://"):]
