"""Eligibility rules (behörighetsregler) as data, checked and explained per application."""
