"""Indicators (indikatorer): definitions, targets, values, imports, and units' external ids."""

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from contracts.goals import Comparison
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from goals.numbers import JsonNumber
from goals.periods import PERIOD_DESCRIPTION, PERIOD_PATTERN



def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Upper = BeforeValidator(_upper)  # before the pattern is checked, so 'n00945' is read as 'N00945'
Period = Annotated[str, Upper, StringConstraints(pattern=PERIOD_PATTERN), Field(description=PERIOD_DESCRIPTION)]
Code = Annotated[str, Upper, StringConstraints(min_length=1, max_length=50, pattern=r"^[A-Z0-9ÅÄÖ][A-Z0-9ÅÄÖ._-]*$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
KoladaKpiId = Annotated[str, Upper, StringConstraints(pattern=r"^[A-Z][0-9]{5}$"), Field(description="Kolada KPI id, e.g. 'N00945'.")]


class Polarity(StrEnum):
    higher_is_better = "higher_is_better"  # högre är bättre
    lower_is_better = "lower_is_better"  # lägre är bättre


class Gender(StrEnum):
    total = "T"  # totalt
    women = "K"  # kvinnor
    men = "M"  # män


class IndicatorCreate(BaseModel):
    """En indikator: what is measured, how, and where its values come from."""

    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="Indikatorkod, unique, e.g. 'AMI' or 'N00945'.")
    title: Title = Field(description="E.g. 'Aktivt medskapandeindex (AMI)'.")
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    unit_of_measure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] = Field(
        description="Måttenhet, e.g. 'procent', 'index', 'antal'."
    )
    polarity: Polarity = Field(description="Högre eller lägre är bättre.")
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] = Field(
        "internal", description="Källa: 'kolada' (give kolada_kpi_id), 'internal', or another system's name."
    )
    kolada_kpi_id: KoladaKpiId | None = None
    by_gender: bool = Field(False, description="Könsuppdelad: values for K (kvinnor) and M (män) beside T (totalt).")
    decimals: int = Field(1, ge=0, le=6, description="Antal decimaler shown.")
    measures_volume: bool = Field(False, description="Volymmått (e.g. users served) rather than a result.")

    @model_validator(mode="after")
    def _kolada_source_has_id(self) -> "IndicatorCreate":
        if (self.source == "kolada") != (self.kolada_kpi_id is not None):
            raise ValueError("source 'kolada' goes with a kolada_kpi_id, and a kolada_kpi_id with source 'kolada'")
        return self


class IndicatorChange(BaseModel):
    """Change a definition; the code stays."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    unit_of_measure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None = None
    polarity: Polarity | None = None
    by_gender: bool | None = None
    decimals: int | None = Field(None, ge=0, le=6)
    measures_volume: bool | None = None

    @model_validator(mode="after")
    def _says_what_changes(self) -> "IndicatorChange":
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        for name in self.model_fields_set - {"description"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class Indicator(BaseModel):
    id: uuid.UUID
    revision: int
    code: str
    title: str
    description: str | None
    unit_of_measure: str
    polarity: Polarity
    source: str
    kolada_kpi_id: str | None
    by_gender: bool
    decimals: int
    measures_volume: bool


class TargetCreate(BaseModel):
    """Målvärde for an indicator on a goal or a commitment, for a period."""

    model_config = ConfigDict(extra="forbid")

    indicator_id: uuid.UUID
    goal_id: uuid.UUID | None = Field(None, description="The goal (mål); or give commitment_id.")
    commitment_id: uuid.UUID | None = Field(None, description="The commitment (åtagande); or give goal_id.")
    period: Period
    gender: Gender = Gender.total
    target_value: Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)] = Field(description="Målvärde.")
    comparison: Comparison | None = Field(None, description="Jämförelse (at_least ≥, more_than >, at_most ≤, less_than <); default ≥ or ≤ by the indicator's polarity.")

    @model_validator(mode="after")
    def _goal_or_commitment(self) -> "TargetCreate":
        if (self.goal_id is None) == (self.commitment_id is None):
            raise ValueError("give exactly one of goal_id and commitment_id")
        return self


class TargetChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_value: Annotated[Decimal, Field(max_digits=18, decimal_places=6, allow_inf_nan=False)] | None = None
    comparison: Comparison | None = None

    @model_validator(mode="after")
    def _says_what_changes(self) -> "TargetChange":
        if not self.model_fields_set or any(getattr(self, name) is None for name in self.model_fields_set):
            raise ValueError("give target_value and/or comparison, not null")
        return self


class Target(BaseModel):
    id: uuid.UUID
    revision: int
    indicator_id: uuid.UUID
    goal_id: uuid.UUID | None
    commitment_id: uuid.UUID | None
    unit_id: uuid.UUID = Field(description="The goal's or commitment's organisation unit.")
    period: str
    gender: Gender
    target_value: JsonNumber
    comparison: Comparison


class IndicatorValue(BaseModel):
    """Ett utfall: one version of an indicator's value for a unit, period and gender."""

    indicator_id: uuid.UUID
    unit_id: uuid.UUID
    period: str
    gender: Gender
    version: int = Field(description="1, 2, ...: a changed value is a new version; the highest is in force.")
    current: bool = Field(description="True for the version in force.")
    value: JsonNumber
    count: int | None = Field(description="Antal (Kolada's count: how many units or observations the value rests on).")
    status: str | None = Field(description="Kolada's status, e.g. '' or 'Missing'.")
    source: str = Field(description="'kolada' or 'csv'.")
    file_sha256: str = Field(description="SHA-256 of the imported file the version came from.")
    recorded_at: datetime


class KoladaGenderValue(BaseModel):
    """Kolada's inner value; checked by the import so that a bad one is reported with its position."""

    gender: Any = "T"
    count: Any = None
    status: Any = None
    value: Any = None


class KoladaEntry(BaseModel):
    kpi: str = Field(description="Kolada KPI id (our indicator's kolada_kpi_id).")
    municipality: str | None = Field(None, description="Kolada municipality id, e.g. '0180' (Stockholm).")
    ou: str | None = Field(None, description="Kolada organisational-unit id, e.g. 'V15E018000301'.")
    period: int | str = Field(description="Kolada's year, or one of our periods.")
    values: list[KoladaGenderValue]


class KoladaImport(BaseModel):
    """Kolada's response shape (``/v2/data/...`` and ``/v2/oudata/...``); paging links are ignored."""

    count: int | None = None
    values: list[KoladaEntry] = Field(max_length=50_000)


class ValueImportResult(BaseModel):
    file_sha256: str
    entries: int = Field(description="Values in the file (one per unit, period and gender).")
    created: int
    changed: int = Field(description="New versions of values that differed from the one in force.")
    unchanged: int
    skipped: int = Field(description="Values the file gives as missing (null / empty); nothing is stored for them.")


class ExternalIds(BaseModel):
    """Ids other systems know the unit by, so that imports find it."""

    model_config = ConfigDict(extra="forbid")

    kolada_municipality_id: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4}$")] | None = Field(
        None, description="Kolada's municipality id (kommun-id), e.g. '0180' for Stockholm; set on the city."
    )
    kolada_ou_id: Annotated[str, Upper, StringConstraints(pattern=r"^V[0-9A-Z]{6,19}$")] | None = Field(
        None, description="Kolada's organisational-unit id (organisatorisk enhet), e.g. 'V15E018000301'."
    )
