"""The app's shell: signing in, the lock, help and the areas still to come."""
