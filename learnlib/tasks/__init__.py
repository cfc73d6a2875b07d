"""Invoke task modules: only Invoke is imported at start-up, the work when a task runs."""
