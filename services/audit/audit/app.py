from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from audit.auditlog.router import router as audit_log_router
from audit.config import AuditSettings
from audit.contracts.router import router as contracts_router
from audit.control_plans.router import router as control_plans_router
from audit.follow_up_plans.router import router as follow_up_plans_router
from audit.lex_sarah.router import router as lex_sarah_router
from audit.models import org_tables
from audit.reports.router import router as reports_router
from audit.reviews.router import router as reviews_router
from audit.risk_analyses.router import router as risk_analyses_router
from audit.scales.router import router as scales_router

DESCRIPTION = """\
Intern kontroll, the whole year: riskskalor; risk- och väsentlighetsanalys (ROV) per unit and year;
the committee's internkontrollplan with independent reviewers (granskare utanför den granskade
enheten), adopted by decision; granskningar April–November → brister → handlingsplaner, followed up
March–June the year after; remaining deficiencies (kvarstående brister) carried into next year's
business plan as proposed commitments in goals; reports to the committee twice a year as frozen
snapshots (JSON, XLSX); and a tamper-evident, hash-chained audit log (loggbok) of every change and
every refused attempt, its head anchored in goals. Avtal med utförare (entreprenörer och egen regi) with their
quality requirements (klagomålsrutin required), avtals- och verksamhetsuppföljningar, brister per avtalskrav →
utförarens handlingsplan → återkontroll; the yearly avtals- och verksamhetsuppföljningsplan ranked by a
documented risk score (föregående års brister, lex Sarah-rapporter, storlek) and adopted by decision, planned
against done. Also the local, read-only copy of the organisation tree (organisationsträdet) fed by goals' events."""


def create_app():
    return create_service_app(
        AuditSettings(), title="Audit (intern kontroll, uppföljning och lex Sarah)", description=DESCRIPTION,
        api_prefix="/audit/v1",
        routers=[
            org_read_router(org_tables), scales_router, risk_analyses_router, control_plans_router, reviews_router,
            reports_router, audit_log_router, lex_sarah_router, contracts_router, follow_up_plans_router,
        ],
    )
