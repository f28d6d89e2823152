"""Shared plumbing for the platform's services. No domain code lives here."""
