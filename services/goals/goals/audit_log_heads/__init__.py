"""audit's log heads kept append-only outside audit's database, served to internal auditors."""
