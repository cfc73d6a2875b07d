"""The face's own errors: a malformed option or configuration value (exit 2, never a traceback)."""

from __future__ import annotations


class UsageError(ValueError):
    """A malformed option: exit 2 with a clear message, never a traceback."""

    error_type = "invalid_option"


class ConfigError(UsageError):
    """A configured value that does not mean what its key needs (the message names the key)."""

    error_type = "invalid_config"
