"""Figures from other services for a committee's reports (complaints, lex Sarah, awards, good examples)."""
