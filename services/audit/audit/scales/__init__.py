"""Risk scales (riskskalor): probability × consequence grids as data, versioned, locked once used."""
