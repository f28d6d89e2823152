"""Award rounds (utmärkelseomgångar) per prize and year, and their forward-only phases."""
