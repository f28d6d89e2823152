"""Nämndens rapport om synpunkter per uppföljningsperiod: frozen on submission, rendered from the snapshot."""
