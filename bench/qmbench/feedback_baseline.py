"""The case-intake benchmark's baseline: a bare FastAPI endpoint inserting the same row.

``POST /cases`` takes the same JSON body as ``POST /feedback/v1/cases``, parses it with a plain
pydantic model and inserts the row the service would insert into feedback's ``cases`` table
(same columns, registration number from the same sequence, deadlines from the same working-day
calendar) with SQLAlchemy in one transaction. Nothing else: no authentication, validation of
the unit, category or committee, history, repeat check, outbox row or idempotency record. It is
served like the service (uvicorn, uvloop + httptools, the service's worker count, a pool of the
service's size) and called directly. Run by ``qmbench.feedback_bench``:
``uvicorn qmbench.feedback_baseline:create_app --factory`` with ``BASELINE_DATABASE_URL``.
"""

import hashlib
import os
import secrets
import uuid
from datetime import UTC, datetime

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import insert, select

from servicekit.db import create_engine

from feedback.deadlines.calendar import add_working_days, stockholm_date
from feedback.models import case_number_seq, cases


class CaseBody(BaseModel):
    kind: str
    channel: str
    category_code: str
    description: str
    privacy: str
    unit_id: uuid.UUID
    committee_id: uuid.UUID | None = None


def create_app() -> FastAPI:
    engine = create_engine(os.environ["BASELINE_DATABASE_URL"])
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.post("/cases", status_code=201)
    async def create_case(body: CaseBody) -> dict:
        now = datetime.now(UTC)
        received_on = stockholm_date(now)
        case_id = uuid.uuid4()
        async with engine.begin() as connection:
            number = await connection.scalar(select(case_number_seq.next_value()))
            registration = f"SYN-{received_on.year}-{number:06d}"
            await connection.execute(insert(cases).values(
                id=case_id, registration_number=registration, revision=1, kind=body.kind, channel=body.channel,
                category_code=body.category_code, unit_id=body.unit_id, committee_id=body.committee_id, routed_by="sender",
                status="received", privacy=body.privacy, description=body.description, attributes={}, received_at=now,
                updated_at=now, acknowledge_due=add_working_days(received_on, 2), answer_due=add_working_days(received_on, 10),
                submitted_by="bench-baseline", submitted_by_kind="system",
                resident_token_sha256=hashlib.sha256(secrets.token_bytes(32)).hexdigest(), open311_token=secrets.token_hex(16),
            ))
        return {"id": str(case_id), "registration_number": registration, "status": "received"}

    return app
