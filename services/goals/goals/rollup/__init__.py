"""Roll-up of follow-ups through the goal structure, with its explanation (issue 6 part 1)."""
