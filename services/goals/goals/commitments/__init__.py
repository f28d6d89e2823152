"""Business plans (verksamhetsplaner) and commitments (åtaganden): workflow, credibility, adoption, versions by decision."""
