"""Privacy: masked views, retention (anonymise, erase) and access requests; it may reach every
capability, since erasing a family must reach every place distro keeps a copy."""
