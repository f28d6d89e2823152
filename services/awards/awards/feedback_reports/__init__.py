"""Feedback reports (återkopplingsrapporter): built from the consensus, approved by another person, frozen on release."""
