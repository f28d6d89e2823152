"""The annual wheel (årshjul): deadlines per year and committee, what is due, overdue items published (issue 6 part 4)."""
