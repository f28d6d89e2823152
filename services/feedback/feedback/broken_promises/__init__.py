"""Garantin hölls inte: a handler's assessment that a case shows a promise of the unit's quality
guarantee broken (or kept), naming the promise from the guarantee read model."""
