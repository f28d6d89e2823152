import logging
from functools import cache

from servicekit.secrets import read_secret
from servicekit.settings import ServiceSettings, service_config

log = logging.getLogger("feedback.config")

# Used only when no key is configured (development and tests on one machine). Production sets
# FEEDBACK_CONTACT_KEYS and FEEDBACK_RESIDENT_TOKEN_KEY (or their *_FILE: compose's `keys` one-shot
# and `make run` write fresh ones); a warning is logged otherwise.
DEVELOPMENT_CONTACT_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZC11c2U="
DEVELOPMENT_TOKEN_KEY = "development-token-key-not-for-production"


class FeedbackSettings(ServiceSettings):
    """Settings from FEEDBACK_* environment variables."""

    model_config = service_config("FEEDBACK_")
    service_name: str = "feedback"
    # Fernet keys (urlsafe base64 of 32 bytes), comma-separated, newest first: the first seals new
    # contact details, every key opens old ones, and the worker re-seals rows under older keys.
    contact_keys: str = ""
    contact_keys_file: str = ""
    # HMAC key deriving a resident's token from the case id (so a replayed create can hand the
    # same token out again without the token ever being stored).
    resident_token_key: str = ""
    resident_token_key_file: str = ""
    # Contact details are erased this many days after a case is closed, unless on legal hold.
    contact_retention_days: int = 365
    # Working days to acknowledge and to answer where no committee rule says otherwise.
    default_acknowledge_days: int = 2
    default_answer_days: int = 10
    # The jurisdiction_id Open311 clients send (one service list for the whole city).
    open311_jurisdiction_id: str = "stockholm.se"
    # Possible repeats: a new case is compared with the open cases of its unit and category received
    # in the days before it; a similarity (rapidfuzz token sort ratio, 0–100) of at least the
    # threshold flags it for the handler.
    repeat_window_days: int = 30
    repeat_threshold: float = 80.0
    # Statistics: counts from 1 to this minus one are suppressed (see feedback.statistics.suppression).
    statistics_min_cell: int = 5
    # Units are ranked only with at least this many cases in the period (a ranking of a handful of
    # cases says nothing about a unit); asking for less is refused.
    ranking_min_volume: int = 20
    # The worker is woken by the cases trigger's NOTIFY when a case changes; it looks at the marks
    # table itself at least this often (a missed notification, a restart) before it publishes
    # unit statistics (feedback.unit-statistics.changed); it takes up to this many marks per round.
    statistics_poll_seconds: float = 1.0
    statistics_batch: int = 50000
    # A committee is recomputed at most once in this time (in one worker): marks left by cases in
    # between wait for its next round, so at a steady rate one recomputation of the committee's
    # year (and one event per changed unit) covers every case of the window instead of each round's
    # few. The first change after a quiet spell is taken at once. 0: every round.
    statistics_coalesce_seconds: float = 0.05
    # Committees worked on at once (each in its own transaction and connection).
    statistics_concurrency: int = 2
    # How often the worker looks for overdue cases, expired contact details and old keys.
    jobs_interval_seconds: float = 300.0

    def contact_key_list(self) -> list[str]:
        keys = [key.strip() for key in read_secret(self.contact_keys, self.contact_keys_file).split(",") if key.strip()]
        if not keys:
            _warn_development_key()
            keys = [DEVELOPMENT_CONTACT_KEY]
        return keys

    def token_key(self) -> bytes:
        return (read_secret(self.resident_token_key, self.resident_token_key_file) or DEVELOPMENT_TOKEN_KEY).encode()


@cache
def _warn_development_key() -> None:
    """Once per process, not at every job round."""
    log.warning("FEEDBACK_CONTACT_KEYS is not set; contact details are sealed with the development key")
