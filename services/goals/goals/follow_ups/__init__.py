"""Follow-ups (uppföljning) of adopted commitments per period: suggested assessment, verdict, analysis."""
