"""The stock ledger: the catalogue, lots, receiving, issuing, adjusting, counting, and the
lists behind them."""
