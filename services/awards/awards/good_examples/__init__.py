"""The good-examples bank (goda exempel): consent, publication, full-text search and uptake."""
