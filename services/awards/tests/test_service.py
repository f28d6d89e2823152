from servicekit.testing.migrations import check_migrations
from servicekit.testing.orgtree import check_read_model

from awards.definition import SERVICE
from awards.models import org_tables


def test_migrations_upgrade_downgrade_upgrade_and_match_the_models(qm_postgres, qm_run_id):
    check_migrations(SERVICE, qm_postgres, qm_run_id)


async def test_organisation_read_model_follows_goals_events(harness):
    await check_read_model(harness, org_tables, prefix="/awards/v1")
