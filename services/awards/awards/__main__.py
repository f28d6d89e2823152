from servicekit.cli import main

from awards.definition import SERVICE

raise SystemExit(main(SERVICE))
