"""Contracts with providers and their follow-ups (avtals- och verksamhetsuppföljning)."""
