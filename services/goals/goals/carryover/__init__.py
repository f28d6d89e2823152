"""Carry-over from internal control: a finding audit found unresolved becomes a proposed commitment."""
