"""A committee's tertial and annual reports (tertialrapport, verksamhetsberättelse), live and frozen (issue 6 part 5)."""
