"""The `learnlib` console script: an Invoke Program over learnlib's collection.

It reads the environment prefix ``LEARNLIB_`` (``LEARNLIB_LEARN_GH_TIMEOUT=60``) and the config
files ``/etc/learnlib.yaml``, ``~/.learnlib.yaml``, ``./learnlib.yaml`` (the current directory)
and ``-f FILE``. A command line it cannot parse, or a config file it cannot read, ends in one JSON
object on stdout and exit 2, like every other refusal.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from invoke.config import AmbiguousMergeError, Config
from invoke.exceptions import (
    AmbiguousEnvVar,
    Exit,
    ParseError,
    UncastableEnvVar,
    UnknownFileType,
)
from invoke.program import Program

from learnlib.tasks.config import Checked, read_config_file, unknown_variables
from learnlib.tasks.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE, ConfigError
from learnlib.tasks.render import ERROR_INTERRUPTED, refusal, render

ENV_PREFIX = "LEARNLIB"
#: Invoke's core options for shell commands (c.run), and what a learnlib user likely meant.
SHELL_ONLY_OPTIONS = {
    "dry": "for a rehearsal, give the task --dry-run",
    "echo": "",
    "hide": "",
    "pty": "",
    "warn-only": "",
    "command-timeout": "gh's timeout is the configuration's learn.gh_timeout",
    "prompt-for-sudo-password": "",
}
CONFIG_ERRORS = (
    importlib.import_module("invoke.util").yaml.YAMLError,  # Invoke's own (vendored) YAML
    AmbiguousMergeError,
    AmbiguousEnvVar,
    UncastableEnvVar,
    UnknownFileType,
    ValueError,  # a JSON config file that does not parse
    OSError,  # a -f FILE that cannot be read
)


class LearnlibConfig(Config):
    """``learnlib.yaml`` files and ``LEARNLIB_*`` variables instead of Invoke's.

    Each file is checked as it loads (:func:`read_config_file`): what is wrong is kept in
    ``checked`` and reported when a task is to run, so `--version`, `--help` and `--list` work
    whatever ~/.learnlib.yaml holds.
    """

    prefix = "learnlib"
    env_prefix = ENV_PREFIX  # type: ignore[assignment]  # Invoke declares it None

    @property
    def checked(self) -> Checked:
        found: Checked | None = self.__dict__.get("_checked")
        if found is None:
            found = Checked()
            self._set(_checked=found)
        return found

    def _load_checked(self, path: str, load: Callable[[], Any]) -> dict[str, Any]:
        data, checked = read_config_file(str(path), load)
        self.checked.problems.extend(checked.problems)
        self.checked.warnings.extend(checked.warnings)
        return data

    def _load_yaml(self, path: Any) -> Any:
        return self._load_checked(path, lambda: super(LearnlibConfig, self)._load_yaml(path))

    _load_yml = _load_yaml

    def _load_json(self, path: Any) -> Any:
        return self._load_checked(path, lambda: super(LearnlibConfig, self)._load_json(path))


class LearnlibProgram(Program):
    """Invoke's Program, answering what it cannot parse with one JSON object and exit 2."""

    def parse_core_args(self) -> None:
        """Invoke's options for the shell commands its tasks run mean nothing to learnlib, which
        runs none (gh is run directly): given, they are refused, never silently ignored, since
        `--dry` would otherwise let a task dispatch that its user meant to rehearse."""
        super().parse_core_args()
        for name, hint in SHELL_ONLY_OPTIONS.items():
            given = self.core[0].args[name]
            if given.value not in (None, False, ""):
                short = "".join(f" (-{alias})" for alias in given.names if len(alias) == 1)
                raise ParseError(
                    f"--{name}{short} is Invoke's option for shell commands, which learnlib "
                    f"does not run{'; ' + hint if hint else ''}"
                )

    def print_help(self) -> None:
        """Invoke's help (Program.print_help), without the options learnlib refuses."""
        refused = {f"--{name}" for name in SHELL_ONLY_OPTIONS}
        print(f"Usage: {self.binary} [--core-opts] <subcommand> [--subcommand-opts] ...")
        print("\nCore options:\n")
        self.print_columns(
            [
                (names, text)
                for names, text in self.initial_context.help_tuples()
                if not refused & {name.split("=")[0] for name in names.split(", ")}
            ]
        )
        self.list_tasks()

    def parse_collection(self) -> None:
        super().parse_collection()
        # No tasks.py is loaded, so no project directory: the current one is the project.
        self.config.set_project_location(os.getcwd())
        self.config.load_project()

    def parse_tasks(self) -> None:
        repeated = _repeated_flag(self.core.unparsed, _repeatable_flags(self.collection))
        if repeated is not None:
            raise ParseError(f"{repeated} was given more than once")
        super().parse_tasks()
        if len(self.tasks) > 1:  # a second name is most likely a task asked about by mistake
            names = " and ".join(repr(context.name) for context in self.tasks)
            raise ParseError(
                f"learnlib runs one task at a time, got {names}: give one task and its options",
                self.tasks[0],
            )

    def run(self, argv: list[str] | None = None, exit: bool = True) -> None:
        """Program.run's steps; what it would print and exit 1 on becomes one JSON object."""
        try:
            code = self._steps(argv)
        except BrokenPipeError:  # `learnlib --help | head -1`: the reader has gone
            code = _reader_gone()
        if exit and code:
            sys.exit(code)

    def _steps(self, argv: list[str] | None) -> int:
        code = 0
        try:
            self.create_config()
            self.parse_core(argv)
            self.parse_collection()
            self.parse_tasks()
            self.parse_cleanup()
            self.update_config()
            self.check_configuration()
            self.execute()
        except ParseError as error:
            task = error.context.name if error.context is not None else None
            asked = _asked_about(task, self.argv)
            known = getattr(self, "collection", None) or self.namespace
            message = parse_message(str(error), task, known.task_names if known else {})
            code = _refuse(message, "invalid_option", asked)
        except BrokenPipeError:  # an OSError, but no config file's: run() ends quietly
            raise
        except ConfigError as error:  # a config file that does not mean anything, named
            code = _refuse(str(error), error.error_type, _asked_about(self._task(), self.argv))
        except CONFIG_ERRORS as error:  # a variable Invoke cannot read, or Invoke's own files
            message = f"the configuration cannot be read: {type(error).__name__}: {error}"
            code = _refuse(" ".join(message.split()), "invalid_config")
        except Exit as stop:  # --version, --list, --help, and every task's own exit code
            if stop.message:
                print(stop.message, file=sys.stderr)
            code = stop.code
        except KeyboardInterrupt:
            print("error: interrupted (Ctrl-C)", file=sys.stderr)
            print(render(refusal(ERROR_INTERRUPTED, "interrupted")), flush=True)
            code = EXIT_INTERRUPTED
        return code

    def check_configuration(self) -> None:
        """Before a task runs: the first problem of the config files ends it (exit 2, named),
        a -f FILE that does not exist too; unknown sections and variables are warned about."""
        runtime = getattr(self.config, "_runtime_path", None)
        if runtime and not os.path.exists(os.path.expanduser(runtime)):
            raise ConfigError(f"the configuration file {runtime} (-f) does not exist")
        checked = getattr(self.config, "checked", None)
        if not isinstance(checked, Checked):  # Invoke's own Config (invoke, tasks.py)
            return
        if checked.problems:
            raise ConfigError(checked.problems[0])
        unknown = unknown_variables(os.environ, self.config._env_prefix)
        for message in [
            *checked.warnings,
            *(f"unknown environment variable {name} is ignored" for name in unknown),
        ]:
            print(f"warning: {message}", file=sys.stderr)

    def _task(self) -> str | None:
        """The task the command line names (the first), for a refusal's JSON shape."""
        contexts = getattr(self, "tasks", None) or []
        return str(contexts[0].name) if contexts else None


def _reader_gone() -> int:
    """Nothing more can be said: stdout and stderr go nowhere from now (Python's own flush at
    exit included), and the exit code is a pipe's (128 + SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # a stream without a file descriptor (a test's capture)
            continue
    return EXIT_BROKEN_PIPE


def _refuse(message: str, error_type: str, asked: dict[str, Any] | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    print(render(refusal(message, error_type, **(asked or {}))), flush=True)
    return EXIT_USAGE


_UNKNOWN = re.compile(r"^No idea what '(.*)' is!$", re.DOTALL)
_NO_VALUE = re.compile(r"^Flag <Argument: ([^>]*)> needed value")


def parse_message(message: str, task: str | None, tasks: Iterable[str] = ()) -> str:
    """Invoke's parser message in the words of a learnlib refusal."""
    where = f" for {task}" if task else ""
    help_hint = f"`learnlib --help {task}`" if task else "`learnlib --list`"
    if unknown := _UNKNOWN.match(message):
        token = unknown.group(1)
        if token.startswith("-"):
            return f"unknown option {token}{where}; {help_hint} lists the options"
        if (near := _nearest(token, tasks)) or task is None:  # a task name, misspelt
            guess = f"did you mean {near}? " if near else ""
            return f"unknown task {token!r}; {guess}`learnlib --list` lists the tasks"
        return (
            f"unexpected value {token!r}{where}: values follow their option "
            f"(e.g. --issue 5406); {help_hint} lists the options"
        )
    if no_value := _NO_VALUE.match(message):
        names = no_value.group(1).split(" (")[0].split(", ")
        return f"--{names[0].replace('_', '-')} needs a value"
    return message


def _nearest(token: str, names: Iterable[str]) -> str | None:
    import difflib

    near = difflib.get_close_matches(token, list(names), n=1, cutoff=0.6)
    return near[0] if near else None


def _asked_about(task: str | None, argv: list[str]) -> dict[str, Any]:
    """What a refused command line asked about, in its task's JSON shape."""
    if task == "land":
        return {"pr_number": _option_number(argv, "--pr", "-p"), "merged": False}
    if task == "trigger-async-learn":
        return {"issue_number": _option_number(argv, "--issue", "-i")}
    return {}


def _option_number(argv: list[str], *names: str) -> int | None:
    for index, token in enumerate(argv):
        name, equals, value = token.partition("=")
        if name in names:
            value = value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
            digits = value.strip().lstrip("#")
            if digits.isascii() and digits.isdigit() and 0 < int(digits) < 2**31:
                return int(digits)
    return None


def main() -> None:
    """The console script's entry point."""
    from learnlib.tasks.collection import ns

    LearnlibProgram(
        namespace=ns,
        name="learnlib",
        binary="learnlib",
        version=_version(),
        config_class=LearnlibConfig,
    ).run()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("learnlib")
    except PackageNotFoundError:  # run from a checkout that was not installed
        return "unknown"


def _repeatable_flags(collection: Any) -> dict[str, set[str]]:
    """Each task's flags that may be given more than once (its iterable options, e.g. --issue
    of learn-status), by task name."""
    from learnlib.tasks import SHORT_FLAGS

    flags: dict[str, set[str]] = {}
    for name in collection.task_names:
        repeatable = set()
        for option in getattr(collection[name], "iterable", None) or ():
            repeatable.add("--" + option.replace("_", "-"))
            if option in SHORT_FLAGS:
                repeatable.add("-" + SHORT_FLAGS[option])
        flags[name] = repeatable
    return flags


def _repeated_flag(tokens: list[str], repeatable: dict[str, set[str]]) -> str | None:
    """The first flag given twice to one task (Invoke would keep one silently, or misread)."""
    seen: set[str] = set()
    allowed: set[str] = set()
    for token in tokens:
        if token in repeatable:
            seen, allowed = set(), repeatable[token]
            continue
        if token.startswith("-") and len(token) > 1 and not token[1:].isdigit():
            name = token.split("=", 1)[0]
            if name in seen and name not in allowed:
                return name
            seen.add(name)
    return None
