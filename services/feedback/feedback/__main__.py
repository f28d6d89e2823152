from servicekit.cli import main

from feedback.definition import SERVICE

raise SystemExit(main(SERVICE))
