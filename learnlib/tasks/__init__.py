"""Invoke task modules. They import only Invoke at start-up; the work is imported when a task runs."""
