"""Quality of the examination (bedömningens kvalitet): examiner agreement, score spread, offsets, the round report."""
