import sys

from servicekit.cli import main

from goals.definition import SERVICE

if sys.argv[1:2] == ["generate"]:
    from goals.generate import main as generate

    raise SystemExit(generate(sys.argv[2:]))
raise SystemExit(main(SERVICE))
