import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE_PATTERN, description="Kategorikod; also the Open311 service_code.")
    name_sv: str = Field(min_length=1, max_length=200, description="Kategorins namn (Open311 service_name).")
    description_sv: str = Field("", max_length=2000, description="Beskrivning (Open311 description).")
    group_sv: str = Field("", max_length=200, description="Grupp (Open311 group).")
    keywords: list[str] = Field(default_factory=list, max_length=20, description="Sökord (Open311 keywords).")


class CategoryChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_sv: str | None = Field(None, min_length=1, max_length=200)
    description_sv: str | None = Field(None, max_length=2000)
    group_sv: str | None = Field(None, max_length=200)
    keywords: list[str] | None = Field(None, max_length=20)
    active: bool | None = Field(None, description="An inactive category takes no new cases and leaves the Open311 list.")


class Category(BaseModel):
    code: str
    name_sv: str
    description_sv: str
    group_sv: str
    keywords: list[str]
    active: bool
    revision: int


class RouteSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: uuid.UUID = Field(description="The committee's unit that handles this category (handläggande enhet).")


class Route(BaseModel):
    committee_id: uuid.UUID
    category_code: str
    unit_id: uuid.UUID
    updated_by: str
    updated_at: datetime
