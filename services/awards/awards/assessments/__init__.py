"""Individual assessment (individuell bedömning): each examiner's band scores per area, with findings."""
