from servicekit.testing.harness import service_fixtures

from feedback.definition import SERVICE

service_db, harness = service_fixtures(SERVICE)
