"""The platform benchmark: ``make bench`` (``.venv/bin/python bench/run.py``); see bench/README.md.

Starts the whole platform with ``make run``'s worker counts on its own ports, databases and
stream prefix, loads the demo city through the gateway, measures direct vs. gateway throughput
and latency (wrk, closed loop), latency at a fixed rate (open loop), and event propagation to
the read models; prints Markdown tables and writes ``bench/results/latest.json``.
"""

import sys
from pathlib import Path

# `make` exports PYTHONSAFEPATH=1, so this script's folder is not on sys.path by itself; add only
# bench/ (never the checkout's root, whose folders would shadow the installed packages).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qmbench.main import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
