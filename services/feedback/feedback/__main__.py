import sys

from servicekit.cli import main

from feedback.definition import SERVICE

if sys.argv[1:2] == ["generate"]:
    from feedback.generate import main as generate

    raise SystemExit(generate(sys.argv[2:]))
raise SystemExit(main(SERVICE))
