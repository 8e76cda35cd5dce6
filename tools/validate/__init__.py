"""Validation checks, one module per family."""
