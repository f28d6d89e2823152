"""Quality guarantee events, published by goals (kvalitetsgarantier).

A unit's quality guarantee follows the city's template: the unit's idea (verksamhetsidé), its
promises to residents, its routine for suggestions and complaints (synpunkter och klagomål) and a
public contact channel. It is versioned, adopted with the unit's business plan, then published;
a published guarantee can be withdrawn. Each promise keeps its ``id`` across the guarantee's
versions, so a complaint that says a promise was not kept can name it, whatever version it read.

Events carry the guarantee's full state (the version in question). A read model keeps, per
guarantee ``id``, the payload with the highest ``revision``; ``status`` then says whether it is
published or withdrawn. The contact channel is the unit's official one, never a person's name.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contracts.decisions import DecisionRef

GUARANTEE_PUBLISHED = "goals.guarantee.published"  # publicerad: portals show this version
GUARANTEE_WITHDRAWN = "goals.guarantee.withdrawn"  # återkallad: no version is shown any more
SCHEMA_VERSION = 1


class GuaranteeStatus(StrEnum):
    draft = "draft"  # utkast: being written by the unit
    adopted = "adopted"  # fastställd with the business plan, not yet public
    published = "published"  # publicerad
    withdrawn = "withdrawn"  # återkallad
    superseded = "superseded"  # ersatt: a later version was published


class GuaranteePromise(BaseModel):
    """Ett löfte till invånarna; ``id`` stays the same across the guarantee's versions."""

    id: uuid.UUID
    text: str = Field(description="The promise as residents read it, e.g. 'Du får svar inom två arbetsdagar'.")
    commitment_id: uuid.UUID | None = Field(None, description="The commitment (åtagande) the promise rests on, if any.")


class ContactChannel(BaseModel):
    """Den offentliga kontaktvägen: the unit's official channel, never a person."""

    description: str | None = Field(None, description="E.g. 'Förskolans expedition'.")
    phone: str | None = None
    email: str | None = None
    web_url: str | None = None
    postal_address: str | None = None


class QualityGuaranteeState(BaseModel):
    """One version of a unit's quality guarantee (kvalitetsgaranti) for a year."""

    id: uuid.UUID = Field(description="The guarantee; the same for all its versions.")
    unit_id: uuid.UUID = Field(description="The organisation unit that gives the guarantee.")
    year: int = Field(description="The business plan's year (verksamhetsår).")
    version: int = Field(description="1, 2, ...: each change after adoption starts a new version.")
    revision: int = Field(description="Increases with every change of the guarantee; the highest revision wins.")
    status: GuaranteeStatus
    business_idea: str = Field(description="Verksamhetsidé.")
    promises: list[GuaranteePromise] = Field(description="Våra löften till dig, in the order shown.")
    feedback_routine: str = Field(description="Rutin för synpunkter och klagomål.")
    contact_channel: ContactChannel
    adopted_by: DecisionRef | None = Field(None, description="The decision that adopted this version (fastställd).")
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None


class QualityGuaranteeChanged(BaseModel):
    """Payload of goals.guarantee.published and goals.guarantee.withdrawn."""

    guarantee: QualityGuaranteeState
