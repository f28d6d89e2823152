"""Avtals- och verksamhetsuppföljningsplan: the committee's yearly follow-up plan, weighted by risk."""
