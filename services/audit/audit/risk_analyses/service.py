"""Rules of risk analyses: values on the scale, drafts editable, adoption by another person's decision.

"Start from last year" copies every risk of the unit's analysis of the year before, each linked
to the risk it came from (``previous_risk_id``), so a risk's history can be followed year by year.
An adopted analysis is read-only; the scale it uses is locked from its creation on.
"""

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.decisions import DecisionInput, decision_by
from audit.risk_analyses import repository
from audit.risk_analyses.schemas import AnalysisCreate, AnalysisStatus, Risk, RiskAnalysis, RiskInput
from audit.scales import repository as scales
from audit.scales import service as scale_rules

EDIT_ROLES = ("internal_auditor", "controller")


async def render(session: AsyncSession, row) -> RiskAnalysis:
    scale = await scales.get(session, row.scale_id)
    labels = {level["key"]: level["label"] for level in scale.levels}
    items = []
    for risk in await repository.risks_of(session, [row.id]):
        value, level = scale_rules.assess(scale, probability=risk.probability, consequence=risk.consequence)
        data = dict(risk._mapping)
        data.pop("created_at")
        items.append(Risk(**data, value=value, level=level, level_label=labels[level]))
    return RiskAnalysis(**dict(row._mapping), risks=items)


async def require(session: AsyncSession, analysis_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, analysis_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No risk analysis {analysis_id}.", kind="analysis-not-found")
    return row


async def read(session: AsyncSession, principal: Principal, *, analysis_id: uuid.UUID) -> RiskAnalysis:
    row = await require(session, analysis_id)
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    return await render(session, row)


def _require_draft(row) -> None:
    if row.status != AnalysisStatus.draft:
        raise ProblemError(
            409, f"The risk analysis is {row.status}; only a draft can be edited.", kind="analysis-not-draft", current_status=row.status,
        )


async def create(session: AsyncSession, principal: Principal, *, data: AnalysisCreate) -> RiskAnalysis:
    on = await access.recorded_date(session, unit_ids=[data.unit_id], on=date(data.year, 1, 1))
    committee = await access.require_committee(session, unit_id=data.unit_id, as_of=on)
    await access.require_reach(session, principal, committee_id=committee, unit_id=data.unit_id)
    if await repository.find(session, unit_id=data.unit_id, year=data.year):
        raise ProblemError(409, f"The unit already has a risk analysis for {data.year}.", kind="analysis-exists")
    previous = await repository.find(session, unit_id=data.unit_id, year=data.year - 1)
    if data.start_from_previous and previous is None:
        raise ProblemError(422, f"The unit has no risk analysis for {data.year - 1} to start from.", kind="no-previous-analysis")
    scale = await _scale(session, data.scale_id, previous.scale_id if previous else None)
    analysis_id = uuid.uuid4()
    await repository.insert_analysis(session, {
        "id": analysis_id, "unit_id": data.unit_id, "committee_id": committee, "year": data.year, "scale_id": scale.id,
        "status": AnalysisStatus.draft.value, "based_on_id": previous.id if data.start_from_previous else None, "revision": 1,
    })
    if data.start_from_previous:
        for old in await repository.risks_of(session, [previous.id]):
            scale_rules.assess(scale, probability=old.probability, consequence=old.consequence)
            copied = {key: value for key, value in old._mapping.items() if key in RiskInput.model_fields}
            await repository.insert_risk(session, copied | {
                "id": uuid.uuid4(), "analysis_id": analysis_id, "previous_risk_id": old.id, "revision": 1,
            })
    analysis = await render(session, await require(session, analysis_id))
    await _log(session, principal, "risk_analysis.created", None, analysis)
    return analysis


async def _scale(session: AsyncSession, wanted: uuid.UUID | None, previous: uuid.UUID | None):
    if wanted is not None:
        scale = await scales.get(session, wanted)
        if scale is None:
            raise ProblemError(422, f"No risk scale {wanted}.", kind="scale-not-found")
        return scale
    if previous is not None:
        return await scales.get(session, previous)
    return await scales.default(session)


async def _log(session, principal, action: str, before: RiskAnalysis | None, after: RiskAnalysis) -> None:
    await log.append(
        session, principal, action=action, entity_type="risk_analysis", entity_id=after.id,
        committee_id=after.committee_id, before=before, after=after,
    )


async def _check_risk(session: AsyncSession, row, data: RiskInput) -> None:
    scale_rules.assess(await scales.get(session, row.scale_id), probability=data.probability, consequence=data.consequence)
    if data.previous_risk_id is not None:
        previous = await repository.get_risk(session, data.previous_risk_id)
        earlier = await repository.get(session, previous.analysis_id) if previous else None
        if earlier is None or earlier.unit_id != row.unit_id or earlier.year != row.year - 1:
            raise ProblemError(
                422, "previous_risk_id must name a risk of the same unit's analysis of the year before.", kind="invalid-lineage",
            )


async def add_risk(session: AsyncSession, principal: Principal, *, row, data: RiskInput) -> tuple[RiskAnalysis, uuid.UUID]:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_draft(row)
    await _check_risk(session, row, data)
    before = await render(session, row)
    risk_id = uuid.uuid4()
    await repository.insert_risk(session, data.model_dump() | {"id": risk_id, "analysis_id": row.id, "revision": 1})
    after = await _bump(session, row)
    await _log(session, principal, "risk_analysis.risk_added", before, after)
    return after, risk_id


async def _bump(session: AsyncSession, row, **values) -> RiskAnalysis:
    await repository.update_analysis(session, row.id, {"revision": row.revision + 1, **values})
    return await render(session, await require(session, row.id))


async def require_risk(session: AsyncSession, row, risk_id: uuid.UUID):
    risk = await repository.get_risk(session, risk_id)
    if risk is None or risk.analysis_id != row.id:
        raise ProblemError(404, f"No risk {risk_id} in this analysis.", kind="risk-not-found")
    return risk


async def change_risk(session: AsyncSession, principal: Principal, *, row, risk, data: RiskInput) -> RiskAnalysis:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_draft(row)
    await _check_risk(session, row, data)
    before = await render(session, row)
    await repository.update_risk(session, risk.id, data.model_dump() | {"revision": risk.revision + 1})
    after = await _bump(session, row)
    await _log(session, principal, "risk_analysis.risk_changed", before, after)
    return after


async def remove_risk(session: AsyncSession, principal: Principal, *, row, risk) -> RiskAnalysis:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_draft(row)
    before = await render(session, row)
    await repository.delete_risk(session, risk.id)
    after = await _bump(session, row)
    await _log(session, principal, "risk_analysis.risk_removed", before, after)
    return after


async def request_adoption(session: AsyncSession, principal: Principal, *, row) -> RiskAnalysis:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_draft(row)
    before = await render(session, row)
    if not before.risks:
        raise ProblemError(422, "An analysis without risks cannot be adopted.", kind="analysis-empty")
    after = await _bump(session, row, status=AnalysisStatus.adoption_requested.value, requested_by=principal.subject)
    await _log(session, principal, "risk_analysis.adoption_requested", before, after)
    return after


async def adopt(session: AsyncSession, principal: Principal, *, row, data: DecisionInput) -> RiskAnalysis:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    if row.status != AnalysisStatus.adoption_requested:
        raise ProblemError(409, f"The risk analysis is {row.status}; adoption must be requested first.", kind="adoption-not-requested")
    access.require_other_person(principal, row.requested_by, "the adoption of this risk analysis")
    decision = await decision_by(session, principal, data, unit_id=row.unit_id,
                                 as_of=await access.recorded_date(session, unit_ids=[row.unit_id], on=data.decided_on))
    before = await render(session, row)
    after = await _bump(
        session, row, status=AnalysisStatus.adopted.value, decision=decision.model_dump(mode="json"), adopted_by=principal.subject,
    )
    await _log(session, principal, "risk_analysis.adopted", before, after)
    return after


async def return_to_draft(session: AsyncSession, principal: Principal, *, row) -> RiskAnalysis:
    """Återremiss: the deciding body sends a requested analysis back for changes."""
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    if row.status != AnalysisStatus.adoption_requested:
        raise ProblemError(409, f"The risk analysis is {row.status}; only a requested adoption can be returned.", kind="adoption-not-requested")
    before = await render(session, row)
    after = await _bump(session, row, status=AnalysisStatus.draft.value, requested_by=None)
    await _log(session, principal, "risk_analysis.returned", before, after)
    return after
