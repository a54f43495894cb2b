"""The Counter area: a family's entitlement, shaping and confirming the handout, the exit
desk, rounds and basket rules."""
