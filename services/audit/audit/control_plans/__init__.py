"""Internkontrollplan per committee and year, with independent reviewers, adopted by decision."""
