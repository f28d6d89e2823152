"""Read model of the units' published quality guarantees (kvalitetsgarantier), fed by goals' events.

A complaint may say that a promise of a guarantee was not kept; the promise is named by its
stable id, and must be one that a published guarantee of the case's unit (or a unit above it)
makes.
"""
