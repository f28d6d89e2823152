"""Budget figures (budget / utfall / avvikelse) per organisation unit and year."""

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from goals.numbers import JsonNumber


class BudgetLineName(StrEnum):
    income = "income"  # intäkter
    costs = "costs"  # kostnader
    salaries = "salaries"  # varav löner
    other = "other"  # varav övrigt
    net = "net"  # netto


LINE_NAMES_SV = {
    BudgetLineName.income: "Intäkter",
    BudgetLineName.costs: "Kostnader",
    BudgetLineName.salaries: "varav löner",
    BudgetLineName.other: "varav övrigt",
    BudgetLineName.net: "Netto",
}


class AmountUnit(StrEnum):
    kr = "kr"
    tkr = "tkr"  # tusen kronor
    mkr = "mkr"  # miljoner kronor


Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=4, allow_inf_nan=False)]


class BudgetLineInput(BaseModel):
    """One line of the table as the sender has it; ``deviation`` is checked, never stored as given."""

    model_config = ConfigDict(extra="forbid")

    budget: Amount = Field(description="Budget.")
    outcome: Amount | None = Field(None, description="Utfall (or the forecast, prognos); omit before there is one.")
    deviation: Amount | None = Field(None, description="Avvikelse as the sender states it; it must equal budget − outcome.")


class BudgetYearInput(BaseModel):
    """One unit's budget table for a year."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID | None = Field(None, description="The organisation unit; or give unit_code.")
    unit_code: str | None = Field(None, description="Enhetskod of the unit as it was that year, e.g. 'SDF-SPT-STAB-VU'.")
    year: int = Field(ge=1990, le=2100, description="Budgetår (the calendar year).")
    amount_unit: AmountUnit = Field(AmountUnit.mkr, description="kr, tkr or mkr (miljoner kronor, as in seed tables).")
    lines: dict[BudgetLineName, BudgetLineInput] = Field(
        min_length=1, description="Intäkter, kostnader, varav löner, varav övrigt, netto: any of them."
    )

    @model_validator(mode="after")
    def _one_unit_reference(self) -> "BudgetYearInput":
        if (self.unit_id is None) == (self.unit_code is None):
            raise ValueError("give exactly one of unit_id and unit_code")
        return self


class BudgetImport(BaseModel):
    """A file of budget tables (one per unit and year); all of it is applied or none."""

    model_config = ConfigDict(extra="forbid")

    items: list[BudgetYearInput] = Field(min_length=1, max_length=5000)


class BudgetLine(BaseModel):
    line: BudgetLineName
    name_sv: str
    budget: JsonNumber
    outcome: JsonNumber | None
    deviation: JsonNumber | None = Field(description="Avvikelse = budget − utfall, computed; None without an outcome.")
    stated_deviation: JsonNumber | None = Field(description="The deviation the sender stated, if any.")
    deviation_disagrees: bool = Field(description="True when the stated deviation is not budget − outcome.")


class DeviationReport(BaseModel):
    """A stated deviation that disagrees with budget − outcome (not stored as given)."""

    line: BudgetLineName
    stated: JsonNumber
    computed: JsonNumber | None
    detail: str


class BudgetYear(BaseModel):
    """Budgetuppföljning: budget, utfall and avvikelse of one unit for a year."""

    unit_id: uuid.UUID
    year: int
    amount_unit: AmountUnit
    revision: int
    lines: list[BudgetLine] = Field(description="In the city's order: intäkter, kostnader, varav löner, varav övrigt, netto.")
    discrepancies: list[DeviationReport] = Field(description="Lines whose stated deviation disagrees with budget − outcome.")


class ImportedBudgetYear(BaseModel):
    position: str = Field(description="JSON pointer of the entry in the file, e.g. '/items/0'.")
    unit_id: uuid.UUID
    year: int
    result: Literal["created", "changed", "unchanged"]
    discrepancies: list[DeviationReport]


class BudgetImportResult(BaseModel):
    entries: int
    created: int
    changed: int
    unchanged: int
    items: list[ImportedBudgetYear]
