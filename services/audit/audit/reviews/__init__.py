"""Granskningar → brister → handlingsplaner, their follow-up and the carry-over into next year's plan."""
