"""Lex Sarah: reports of missförhållanden, run by the law's clock, readable only by the committee's officers."""
