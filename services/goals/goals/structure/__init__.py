"""The ILS goal structure (målstrukturen): configurable goal levels, goals per unit and term or year, line of sight."""
