"""Economy and goal fulfilment (ekonomi och måluppfyllelse), issue 6 part 3: the budget table
beside fulfilment per unit and year, flags where both deviate, and an ordinal model of how cost
relates to fulfilment."""
