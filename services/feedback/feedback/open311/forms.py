"""Reading a GeoReport v2 POST: form-encoded, bounded, UTF-8, and turned into a case to register."""

import re
import uuid
from urllib.parse import parse_qsl

from contracts.feedback import CaseChannel, CaseKind
from pydantic import ValidationError
from starlette.requests import Request

from servicekit.problems import ProblemError

from feedback.cases.schemas import CaseCreate
from feedback.contacts.schemas import Privacy
from feedback.open311.mapping import ATTRIBUTE_VALUES

MAX_BODY = 64 * 1024
MAX_FIELDS = 100
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_-]{1,40})\]$")


def _bad(detail: str) -> ProblemError:
    return ProblemError(400, detail, kind="invalid-request")


async def read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise _bad("Send the request form-encoded (application/x-www-form-urlencoded).")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ProblemError(413, "The request body is too large.", kind="too-large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise _bad("The form is not valid UTF-8 form encoding (or has too many fields).") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise _bad(f"{name} is given more than once.")
        form[name] = value
    return form


def _float(form: dict[str, str], name: str) -> float | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise _bad(f"{name} must be a number.") from None


def case_from_form(form: dict[str, str]) -> CaseCreate:
    """The spec's fields → a case; a contact detail makes it named (confidential if asked)."""
    attributes = {}
    for name, value in form.items():
        match = _ATTRIBUTE.match(name)
        if match:
            code = match.group(1)
            if code not in ATTRIBUTE_VALUES:
                raise _bad(f"Unknown attribute {code}.")
            if value not in ATTRIBUTE_VALUES[code]:
                raise _bad(f"attribute[{code}] must be one of {', '.join(sorted(ATTRIBUTE_VALUES[code]))}.")
            attributes[code] = value
    service_code = form.get("service_code", "").strip()
    if not service_code:
        raise _bad("service_code is required.")
    lat, long = _float(form, "lat"), _float(form, "long")
    if (lat is None) != (long is None):
        raise _bad("lat and long go together.")
    object_id = form.get("service_object_id", "").strip() or None
    address = form.get("address_string", "").strip() or None
    address_id = form.get("address_id", "").strip() or None
    if lat is None and address is None and address_id is None and object_id is None:
        raise _bad("A location is required: lat and long, address_string, address_id or service_object_id.")
    unit_id = None
    if object_id is not None:
        try:
            unit_id = uuid.UUID(object_id)
        except ValueError:
            raise _bad("service_object_id must be an organisation unit id.") from None
    name = " ".join(part for part in (form.get("first_name", "").strip(), form.get("last_name", "").strip()) if part) or None
    contact = {"name": name, "email": form.get("email", "").strip() or None, "phone": form.get("phone", "").strip() or None}
    named = any(contact.values())
    privacy = Privacy.anonymous if not named else (Privacy.confidential if attributes.get("confidential") == "true" else Privacy.named)
    location = {"lat": lat, "long": long, "address": address, "address_id": address_id}
    try:
        return CaseCreate(
            kind=CaseKind(attributes.get("kind", CaseKind.complaint)), channel=CaseChannel.open311, category_code=service_code,
            unit_id=unit_id, description=form.get("description", "").strip(), location=location,
            media_url=form.get("media_url", "").strip() or None, privacy=privacy, contact=contact if named else None,
            attributes=attributes,
        )
    except ValidationError as exc:
        # Only where and what, never the value: it may be a contact detail.
        fields = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors()})
        raise _bad(f"Invalid or missing: {', '.join(fields)}.") from None
