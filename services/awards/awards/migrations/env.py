from servicekit.migrations import run_env

from awards.models import metadata

run_env(metadata)
