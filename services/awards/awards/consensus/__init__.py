"""Consensus (konsensus): the team's score per area, every change from an individual score with its reason; site visits."""
