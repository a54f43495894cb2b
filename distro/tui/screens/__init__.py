"""Full screens: one per area, plus sign-in, family detail, history and help."""
