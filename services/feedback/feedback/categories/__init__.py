"""Categories (kategorier): city-wide, Swedish names, each an Open311 service; routing per committee."""
