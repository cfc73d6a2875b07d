"""The face's exit codes and its own errors: a malformed option or configuration value."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the task ran and did not succeed (a refusal, a gh failure, a failed run)
EXIT_USAGE = 2  # a malformed command line, option or configuration value
EXIT_INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C (128 + SIGINT)
EXIT_BROKEN_PIPE = 141  # stdout's reader went away (`learnlib --help | head -1`): 128 + SIGPIPE


class UsageError(ValueError):
    """A malformed option: exit 2 with a clear message, never a traceback."""

    error_type = "invalid_option"


class ConfigError(UsageError):
    """A configured value that does not mean what its key needs (the message names the key)."""

    error_type = "invalid_config"
