"""The terminal user interface (Textual); it only calls domain services and shows results."""
