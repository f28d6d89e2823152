from servicekit.cli import main

from goals.definition import SERVICE

raise SystemExit(main(SERVICE))
