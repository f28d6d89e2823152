"""What a report to the committee says, built once from the data when sending is requested.

The snapshot is the document: the plan and its controls, the year's reviews and findings with
their action plans, the follow-up of last year's findings, and the risk analyses' levels. It
names units by id and code and people not at all; XLSX is rendered from it, never from the data.
"""

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import get_unit

from audit.control_plans import repository as plans
from audit.models import org_tables, risk_analyses
from audit.reviews import repository as reviews
from audit.reviews import service as review_rules
from audit.risk_analyses import service as analyses

SNAPSHOT_VERSION = 1


async def _unit(session: AsyncSession, unit_id: uuid.UUID, cache: dict) -> dict:
    if unit_id not in cache:
        unit = await get_unit(session, org_tables, unit_id=unit_id, as_of=datetime.now(UTC).date())
        cache[unit_id] = {"id": str(unit_id), "code": unit.code if unit else None, "name": unit.name if unit else None}
    return cache[unit_id]


def _finding(finding, units: dict) -> dict[str, Any]:
    plan = finding.action_plan
    return {
        "id": str(finding.id), "plan_year": finding.plan_year, "unit": units[finding.unit_id], "severity": finding.severity.value,
        "description": finding.description, "root_cause": finding.root_cause, "status": finding.status.value,
        "unresolved_on": finding.unresolved_on.isoformat() if finding.unresolved_on else None,
        "action_plan": None if plan is None else {
            "action": plan.action, "deadline": plan.deadline.isoformat(), "status": plan.status.value, "effect": plan.effect.value,
            "verified_on": plan.verified_on.isoformat() if plan.verified_on else None,
        },
        "proposed_commitments": [
            {"commitment_id": str(c.commitment_id), "year": c.year, "status": c.status, "title": c.title}
            for c in finding.proposed_commitments
        ],
    }


async def build(session: AsyncSession, report) -> dict[str, Any]:
    units: dict = {}
    committee = await _unit(session, report.committee_id, units)
    plan = await plans.find(session, committee_id=report.committee_id, year=report.year)
    previous = await plans.find(session, committee_id=report.committee_id, year=report.year - 1)
    document: dict[str, Any] = {
        "snapshot_version": SNAPSHOT_VERSION, "report_id": str(report.id), "title": report.title,
        "committee": committee, "year": report.year, "period": report.period, "meeting_date": report.meeting_date.isoformat(),
        "frozen_at": datetime.now(UTC).isoformat(), "control_plan": None, "reviews": [], "findings": [], "follow_up": [],
    }
    if plan is not None:
        items = await plans.items_of(session, plan.id)
        for item in items:
            await _unit(session, item.responsible_unit_id, units)
            await _unit(session, item.reviewer_unit_id, units)
        document["control_plan"] = {
            "id": str(plan.id), "status": plan.status,
            # The decision without who recorded it: the document names no people.
            "decision": {key: plan.decision[key] for key in ("reference", "decided_on", "body_id")} if plan.decision else None,
            "review_window": [plan.review_from.isoformat(), plan.review_to.isoformat()],
            "items": [
                {"id": str(item.id), "control_object": item.control_object, "method": item.method, "sample": item.sample,
                 "frequency": item.frequency, "responsible_unit": units[item.responsible_unit_id],
                 "reviewer_unit": units[item.reviewer_unit_id]}
                for item in items
            ],
        }
        document["reviews"] = [
            {"id": str(r.id), "item_id": str(r.item_id), "performed_on": r.performed_on.isoformat(), "method": r.method,
             "sample": r.sample, "result": r.result, "summary": r.summary}
            for r in await reviews.list_reviews(session, plan_ids=[plan.id])
        ]
    for key, source in (("findings", plan), ("follow_up", previous)):
        if source is None:
            continue
        for row in await reviews.findings_of_plans(session, [source.id]):
            finding = await review_rules.render_finding(session, row)
            await _unit(session, finding.unit_id, units)
            document[key].append(_finding(finding, units))
    levels: Counter = Counter()
    rows = await session.execute(
        select(risk_analyses).where(risk_analyses.c.committee_id == report.committee_id, risk_analyses.c.year == report.year)
    )
    analysis_summaries = []
    for row in rows:
        analysis = await analyses.render(session, row)
        levels.update(risk.level for risk in analysis.risks)
        analysis_summaries.append({
            "id": str(analysis.id), "unit": await _unit(session, analysis.unit_id, units), "status": analysis.status.value,
            "risks": len(analysis.risks), "fraud_risks": sum(risk.category == "fraud" for risk in analysis.risks),
            "into_control_plan": sum(risk.in_control_plan for risk in analysis.risks),
        })
    document["risk_analyses"] = analysis_summaries
    document["summary"] = {
        "controls": len(document["control_plan"]["items"]) if document["control_plan"] else 0,
        "reviews": len(document["reviews"]),
        "reviews_with_deficiencies": sum(r["result"] == "deficiencies" for r in document["reviews"]),
        "findings_by_severity": dict(sorted(Counter(f["severity"] for f in document["findings"]).items())),
        "findings_open": sum(f["status"] != "closed" for f in document["findings"]),
        "follow_up_closed": sum(f["status"] == "closed" for f in document["follow_up"]),
        "follow_up_unresolved": sum(f["unresolved_on"] is not None for f in document["follow_up"]),
        "risks_by_level": dict(sorted(levels.items())),
    }
    return document
