"""Comparison index across committees (jämförelseindex mellan nämnder), issue 6 part 2."""
