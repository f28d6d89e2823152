"""Bodies of the assignment plan (teamindelning)."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TeamMember(BaseModel):
    examiner_id: uuid.UUID
    subject_id: str
    unit_id: uuid.UUID
    experienced: bool
    sector_match: bool = Field(description="The examiner is competent in the application's sector.")


class Team(BaseModel):
    application_id: uuid.UUID
    unit_id: uuid.UUID
    sector: str | None
    members: list[TeamMember]


class SolverReport(BaseModel):
    solver: str = Field(description="The solver and library, e.g. 'OR-Tools CP-SAT 9.15'.")
    status: str = Field(description="optimal, or feasible when stopped within the gap limit or time limit.")
    objective: int = Field(description="Penalty points (lower is better); see weights.")
    best_bound: float = Field(description="The solver's proven lower bound of the objective.")
    gap: float = Field(description="Optimality gap (objective − bound) / objective; 0 when proven optimal.")
    wall_time_s: float
    weights: dict[str, int]
    terms: dict[str, int] = Field(description="How often each penalised situation occurs in the plan.")
    applications: int
    examiners: int
    conflicting_pairs: int


class Edit(BaseModel):
    action: str
    application_id: uuid.UUID
    examiner_id: uuid.UUID
    at: datetime
    by: str


class Plan(BaseModel):
    round_id: uuid.UUID
    status: str = Field(description="proposed (förslag; editable) or confirmed (fastställd).")
    revision: int
    solver: SolverReport
    teams: list[Team]
    edits: list[Edit] = Field(description="The administrator's changes since the proposal, each re-checked.")
    proposed_by: str
    created_at: datetime
    confirmed_at: datetime | None
    confirmed_by: str | None


class MemberChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: uuid.UUID
    examiner_id: uuid.UUID
