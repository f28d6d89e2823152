"""Risk- och väsentlighetsanalys (ROV) per organisation unit and year, adopted by decision."""
