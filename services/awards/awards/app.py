from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from awards.applications.router import router as applications_router
from awards.assessments.router import router as assessments_router
from awards.assignment.router import router as assignment_router
from awards.config import AwardsSettings
from awards.conflicts.router import router as conflicts_router
from awards.consensus.router import router as consensus_router
from awards.eligibility.router import router as eligibility_router
from awards.examiners.router import router as examiners_router
from awards.feedback_reports.router import router as feedback_reports_router
from awards.good_examples.router import router as good_examples_router
from awards.jury.router import router as jury_router
from awards.models import org_tables
from awards.quality.router import router as quality_router
from awards.rounds.router import router as rounds_router

DESCRIPTION = """Stockholms stads kvalitetsutmärkelse och Förnyelsepriset: utmärkelseomgångar med faser och sista
dagar, versionerade bedömningsunderlag (områden, numrerade frågor, vikter), behörighetsregler, ansökningar med
underlag från mål och åtaganden, examinatorer med utbildning och kapacitet, jäv beräknat ur organisationsträdet,
examinatorsteam föreslagna av en optimeringsmodell (OR-Tools CP-SAT), individuell bedömning i poängintervall med
styrkor och förbättringsområden, konsensus med motiverade ändringar, platsbesök, och domarkommitténs urval och beslut
på avidentifierat underlag, återkopplingsrapporter (PDF och DOCX ur en fryst ögonblicksbild), bedömningens kvalitet
(Krippendorffs alfa, spridning, examinatorers avvikelse från konsensus) och en sökbar bank av goda exempel."""


def create_app():
    return create_service_app(
        AwardsSettings(), title="Awards (Kvalitetsutmärkelsen och Förnyelsepriset)", description=DESCRIPTION,
        api_prefix="/awards/v1",
        routers=[
            org_read_router(org_tables), rounds_router, eligibility_router, applications_router, examiners_router,
            conflicts_router, assignment_router, assessments_router, consensus_router, jury_router,
            feedback_reports_router, quality_router, good_examples_router,
        ],
    )
