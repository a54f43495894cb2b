"""The Stock area: levels, an item's lots and movements, expiry, receiving, issuing, adjusting
and counting."""
