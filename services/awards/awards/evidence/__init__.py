"""Read models of evidence from other services (goals' commitments and follow-ups), fed by events."""
