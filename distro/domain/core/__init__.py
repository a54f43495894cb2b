"""The domain's core, under every capability: the database, the clock, errors, roles, codes,
and the text, search and CSV helpers they all share."""
