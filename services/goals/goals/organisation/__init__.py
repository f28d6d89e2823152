"""The organisation tree (organisationsträdet): units, their dated versions and the rules between them."""
