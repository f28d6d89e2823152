from servicekit.migrations import run_env

from audit.models import metadata

run_env(metadata)
