"""Residents' contact details (kontaktuppgifter): apart from the case, encrypted, erased in time."""
