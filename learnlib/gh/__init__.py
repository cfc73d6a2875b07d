"""Adapters over the GitHub CLI: one runner (runner.py), one small module per gh area."""
