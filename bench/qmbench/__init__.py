"""The platform benchmark's parts; ``bench/run.py`` is the entry point (``make bench``)."""
