"""Consumer of ``audit.finding.unresolved``: propose a draft commitment in the unit's next plan.

The seed's cycle: "Identifierade och kvarstående brister i resultatet av föregående års
internkontroll skrivs in som åtaganden ... i nästkommande verksamhetsplan." The proposal goes into
the business plan for the year audit names (``carry_over_year``), linked to the finding; the unit's
manager completes it (committee goal, responsible person) and submits it, and the credibility
rule applies to whoever submits. ``propose_from_finding`` is idempotent on the finding's id, so a
redelivered or replayed event proposes nothing twice.
"""

import logging

from contracts.audit import FindingChanged
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope
from servicekit.problems import ProblemError

from goals.commitments.service import propose_from_finding

log = logging.getLogger("goals.carryover")
SEVERITY_SV = {"low": "låg", "medium": "medel", "high": "hög", "critical": "allvarlig"}


def proposal_text(finding) -> tuple[str, str]:
    """(title, description) of the proposal, in the words of the finding (public record, no names)."""
    title = f"Åtgärda kvarstående brist från internkontrollen {finding.plan_year}: {finding.description}"
    parts = [f"Brist ({SEVERITY_SV[finding.severity]}) från internkontrollen {finding.plan_year}, "
             f"kvarstående {finding.unresolved_on}: {finding.description}"]
    if finding.root_cause:
        parts.append(f"Orsak: {finding.root_cause}")
    if finding.action_plan is not None:
        parts.append(f"Handlingsplanens åtgärd skulle vara klar {finding.action_plan.deadline}; effekten är inte verifierad.")
    return title, "\n".join(parts)


async def apply_unresolved_finding(session: AsyncSession, envelope: Envelope) -> None:
    finding = FindingChanged.model_validate(envelope.data).finding
    title, description = proposal_text(finding)
    try:
        async with session.begin_nested():  # a refusal leaves nothing half-written behind
            await propose_from_finding(
                session, finding_id=finding.id, unit_id=finding.unit_id, year=finding.carry_over_year,
                title=title, description=description, actor="audit",
            )
    except ProblemError as exc:
        # The unit has no plan to carry into (closed by then): nothing to propose, and no retry helps.
        log.warning("finding not carried over", extra={"finding_id": str(finding.id), "reason": exc.kind})
