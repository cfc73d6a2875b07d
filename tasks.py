"""This repository's Invoke tasks: learnlib's own collection (learnlib/tasks/collection.py)."""

from learnlib.tasks.collection import ns

__all__ = ["ns"]
