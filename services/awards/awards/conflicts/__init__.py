"""Conflicts of interest (jäv): computed from the organisation tree, and declared ones."""
