"""Settings common to every service; each service subclasses with its own env prefix."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Base settings. A subclass sets ``model_config = service_config("GOALS_")``."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    database_url: str = ""
    redis_url: str = ""
    # Prefix of every Redis key the service touches; tests use a per-run prefix.
    stream_prefix: str = "qm:"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"
    # PEM of the gateway's Ed25519 public key, or a path to it via *_FILE.
    assertion_public_key: str = ""
    assertion_public_key_file: str = ""
    # Event machinery tuning.
    relay_poll_seconds: float = 1.0
    relay_batch_size: int = 500
    # Under load (a batch less than this ago) the relay waits this long before the next, so that the
    # commits of the moment go out in one batch instead of one round of statements each.
    relay_linger_seconds: float = 0.005
    consumer_batch_size: int = 100
    consumer_block_ms: int = 1000
    consumer_claim_idle_ms: int = 30_000
    consumer_max_deliveries: int = 5
    outbox_retention_days: int = 30
    db_pool_size: int = 10

    def public_key_pem(self) -> str:
        if self.assertion_public_key:
            return self.assertion_public_key
        if self.assertion_public_key_file:
            with open(self.assertion_public_key_file, encoding="utf-8") as fh:
                return fh.read()
        return ""


def service_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore")
