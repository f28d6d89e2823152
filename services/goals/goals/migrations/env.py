from servicekit.migrations import run_env

from goals.models import metadata

run_env(metadata)
