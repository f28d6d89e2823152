"""Versioned rubrics (bedömningsunderlag): areas, numbered questions, weights."""
