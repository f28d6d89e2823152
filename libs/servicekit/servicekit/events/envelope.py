"""CloudEvents 1.0 envelope with a payload schema version, and stream naming."""

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, Field

SPEC_VERSION = "1.0"
ENVELOPE_FIELD = b"event"
# The event's type beside the envelope, so that a consumer passes over what it has no handler for
# without parsing it (messages published before this field existed carry only the envelope).
TYPE_FIELD = b"type"


class Envelope(BaseModel):
    """CloudEvents attributes; ``schemaversion`` is our extension naming the payload's version."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    source: str
    type: str
    specversion: str = SPEC_VERSION
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str
    datacontenttype: str = "application/json"
    schemaversion: int = 1
    data: dict[str, Any]

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Envelope":
        return cls.model_validate_json(raw)


def stream_name(prefix: str, service: str) -> str:
    """One stream per producing service, e.g. ``qm:goals.events``."""
    return f"{prefix}{service}.events"


def dead_letter_stream(prefix: str, consumer_group: str) -> str:
    """Messages a consumer group gave up on, e.g. ``qm:feedback.dead-letter``."""
    return f"{prefix}{consumer_group}.dead-letter"
