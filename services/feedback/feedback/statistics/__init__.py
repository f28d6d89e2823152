"""A committee's follow-up of its feedback (uppföljning): counts by kind, status and channel."""
