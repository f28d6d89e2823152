from servicekit.cli import main

from audit.definition import SERVICE

raise SystemExit(main(SERVICE))
