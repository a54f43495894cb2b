"""The audit log: one chained, append-only row per change, and how coordinators read it."""
