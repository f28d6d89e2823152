from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from awards.applications.router import router as applications_router
from awards.assignment.router import router as assignment_router
from awards.config import AwardsSettings
from awards.conflicts.router import router as conflicts_router
from awards.eligibility.router import router as eligibility_router
from awards.examiners.router import router as examiners_router
from awards.good_examples.router import router as good_examples_router
from awards.models import org_tables
from awards.rounds.router import router as rounds_router

DESCRIPTION = """Stockholms stads kvalitetsutmärkelse och Förnyelsepriset: utmärkelseomgångar med faser och sista
dagar, versionerade bedömningsunderlag (områden, numrerade frågor, vikter), behörighetsregler, ansökningar med
underlag från mål och åtaganden, examinatorer med utbildning och kapacitet, jäv beräknat ur organisationsträdet,
och examinatorsteam föreslagna av en optimeringsmodell (OR-Tools CP-SAT)."""


def create_app():
    return create_service_app(
        AwardsSettings(), title="Awards (Kvalitetsutmärkelsen och Förnyelsepriset)", description=DESCRIPTION,
        api_prefix="/awards/v1",
        routers=[
            org_read_router(org_tables), rounds_router, eligibility_router, applications_router, examiners_router,
            conflicts_router, assignment_router, good_examples_router,
        ],
    )
