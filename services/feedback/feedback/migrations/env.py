from servicekit.migrations import run_env

from feedback.models import metadata

run_env(metadata)
