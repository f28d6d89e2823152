"""The jury (domarkommittén): a shortlist on blinded data, then the decision per prize."""
