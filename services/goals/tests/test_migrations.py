from servicekit.testing.migrations import check_migrations

from goals.definition import SERVICE


def test_migrations_upgrade_match_the_models_and_downgrade_to_empty(qm_postgres, qm_run_id):
    check_migrations(SERVICE, qm_postgres, qm_run_id)
