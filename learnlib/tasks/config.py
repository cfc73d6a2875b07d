"""The configuration as it means: every key read as the type of its default, or refused by name.

Invoke casts an environment value to the type of the key's default, and casts booleans wrongly
(`false` reads as true) and numbers with a traceback (`abc`). So the collection declares every
default to Invoke as text (:func:`invoke_defaults`): Invoke then hands over the environment's
text untouched, YAML's values as YAML typed them, and this module reads both the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from invoke.config import DataProxy

from learnlib.defaults import DEFAULTS
from learnlib.tasks.errors import ConfigError

TRUE = frozenset({"true", "yes", "on", "1"})
FALSE = frozenset({"false", "no", "off", "0"})


def invoke_defaults(defaults: Mapping[str, Any] = DEFAULTS) -> dict[str, Any]:
    """DEFAULTS for ns.configure: the same values, each written as text (`True` -> `"true"`)."""
    return {
        section: {key: _as_text(value) for key, value in values.items()}
        for section, values in defaults.items()
    }


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Settings:
    """The checked configuration: ``settings.number("learn.gh_timeout")`` has its default's type.

    ``origin(key)`` says where a configured value came from, for the errors that name it.
    """

    def __init__(self, values: Mapping[str, Any], origins: Mapping[str, str] | None = None) -> None:
        self._values = dict(values)
        self._origins = dict(origins or {})

    def value(self, key: str) -> object:
        return self._values[key]

    def origin(self, key: str) -> str:
        """`` (from LEARNLIB_LEARN_REPO)`` or `` (from /path/learnlib.yaml)``; "" for a default."""
        where = self._origins.get(key, "")
        return f" (from {where})" if where else ""

    def text(self, key: str) -> str:
        value = self._values[key]
        assert isinstance(value, str)
        return value

    def number(self, key: str) -> float:
        value = self._values[key]
        assert isinstance(value, float)
        return value

    def count(self, key: str) -> int:
        value = self._values[key]
        assert isinstance(value, int) and not isinstance(value, bool)
        return value

    def flag(self, key: str) -> bool:
        value = self._values[key]
        assert isinstance(value, bool)
        return value


def read_settings(config: Any, warn: Any = None) -> Settings:
    """Every key of DEFAULTS from Invoke's merged config, checked; ConfigError names a bad key.

    Keys the configuration has but DEFAULTS does not (a typo such as ``learn.on_lnd``) are
    reported through ``warn`` and otherwise ignored.
    """
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for section, defaults in DEFAULTS.items():
        given = _section(config, section)
        for key, default in defaults.items():
            name = f"{section}.{key}"
            origins[name] = origin(config, section, key)
            where = f" (from {origins[name]})" if origins[name] else ""
            values[name] = read_value(name, given.get(key, default), default, where)
        if warn is not None:
            for key in sorted(set(given) - set(defaults)):
                warn(f"unknown configuration key {section}.{key} is ignored")
    settings = Settings(values, origins)
    _check_choices(settings)
    return settings


def _check_choices(settings: Settings) -> None:
    """land.merge_method is checked for every task, as it always was."""
    from learnlib.gh.prs import MERGE_FLAGS
    from learnlib.tasks.options import choice, resolve

    resolve(None, None, settings, "land.merge_method", choice(tuple(MERGE_FLAGS)))


# Invoke's levels, highest first: the -f file, the environment, ./, ~/, /etc.
_LEVELS = ("_runtime", "_env", "_project", "_user", "_system")


def origin(config: Any, section: str, key: str) -> str:
    """Where ``section.key`` was set: its environment variable, the file's path, or ""."""
    for level in _LEVELS:
        data = getattr(config, level, None)
        values = data.get(section) if isinstance(data, Mapping) else None
        if isinstance(values, Mapping) and key in values:
            if level == "_env":
                return env_variable(f"{section}.{key}", config)
            return str(getattr(config, f"{level}_path", None) or "")
    return ""


def _section(config: Any, section: str) -> Mapping[str, Any]:
    try:
        value = config[section]
    except (KeyError, AttributeError):
        return {}
    if isinstance(value, Mapping):
        return value
    if isinstance(value, DataProxy):  # Invoke's view of a nested mapping
        keys: list[Any] = list(value)
        return {str(key): value[str(key)] for key in keys}
    raise ConfigError(_not_a_mapping(section, value))


def _not_a_mapping(section: str, value: object) -> str:
    keys = ", ".join(f"{section}.{key}" for key in DEFAULTS[section])
    return f"configuration {section} must be a mapping of keys ({keys}), got {value!r}"


def read_config_file(path: str, load: Callable[[], object]) -> tuple[dict[str, Any], Checked]:
    """One config file's data for Invoke to merge, and what is wrong with it, by the file's name.

    What cannot be merged (a file that is not a mapping, a section that is not one, a mapping
    where a value belongs) is left out and becomes a problem; a section learnlib does not know
    is left out with a warning. A file that does not exist raises, for Invoke to skip.
    """
    where = f" (from {path})"
    try:
        data = load()
    except FileNotFoundError:
        raise
    except (OSError, ValueError, _yaml_error()) as error:  # ValueError: JSON that does not parse
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        return {}, Checked([f"the configuration cannot be read: {path}: {reason}"])
    if data is None:  # an empty file
        return {}, Checked()
    if not isinstance(data, Mapping):
        sections = ", ".join(DEFAULTS)
        return {}, Checked(
            [f"the configuration file {path} must be a mapping of sections ({sections}), "
             f"got {_a(type(data).__name__)}"]
        )  # fmt: skip
    kept: dict[str, Any] = {}
    checked = Checked()
    for section, values in data.items():
        if section not in DEFAULTS:
            checked.warnings.append(f"unknown configuration section {section} in {path} is ignored")
        elif not isinstance(values, Mapping):
            checked.problems.append(_not_a_mapping(section, values) + where)
        else:
            kept[section] = _mergeable(section, values, where, checked)
    return kept, checked


@dataclass
class Checked:
    """What reading the configuration found: problems (exit 2, the first one named) and warnings."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _mergeable(section: str, values: Mapping[str, Any], where: str, checked: Checked) -> Any:
    """The section without the mappings given where a value belongs (they become problems)."""
    kept = dict(values)
    for key, default in DEFAULTS[section].items():
        if isinstance(values.get(key), Mapping):
            del kept[key]
            try:
                read_value(f"{section}.{key}", values[key], default, where)
            except ConfigError as error:
                checked.problems.append(str(error))
    return kept


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _yaml_error() -> type[Exception]:
    """The YAML error of Invoke's own (vendored) YAML."""
    import importlib

    error: type[Exception] = importlib.import_module("invoke.util").yaml.YAMLError
    return error


def unknown_variables(environ: Mapping[str, str], prefix: str = "LEARNLIB_") -> list[str]:
    """``LEARNLIB_*`` variables that set no configuration key (a typo, say): Invoke ignores them."""
    known = {env_variable(f"{s}.{k}", None, prefix) for s in DEFAULTS for k in DEFAULTS[s]}
    return sorted(
        name
        for name in environ
        if name.startswith(prefix)
        and name not in known | NOT_CONFIGURATION
        and not name.startswith(f"{prefix}SANDBOX_")  # the sandbox's own knobs
    )


# Variables learnlib's tools read that are no configuration key: the traceback switch, the
# action's install directory, the test suite's linters switch.
NOT_CONFIGURATION = frozenset({"LEARNLIB_DEBUG", "LEARNLIB_BIN", "LEARNLIB_REQUIRE_LINTERS"})


def read_value(name: str, value: object, default: object, where: str = "") -> Any:
    """``value`` as the type of ``default``: a yes/no, a finite number > 0, or text."""
    if isinstance(default, bool):
        return parse_flag(name, value, where)
    if isinstance(default, int):
        return parse_count(name, value, where)
    if isinstance(default, float):
        return parse_number(name, value, where)
    return parse_text(name, value, where)


def parse_flag(name: str, value: object, where: str = "") -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str):
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
    raise ConfigError(
        f"configuration {name} must be one of true/false, yes/no, on/off, 1/0, got {value!r}{where}"
    )


def parse_number(name: str, value: object, where: str = "") -> float:
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number <= 0:
        raise ConfigError(
            f"configuration {name} must be a finite number greater than 0, got {value!r}{where}"
        )
    return number


def parse_count(name: str, value: object, where: str = "") -> int:
    """A whole number greater than 0 (a count: plans, workers, attempts)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    raise ConfigError(
        f"configuration {name} must be a whole number greater than 0, got {value!r}{where}"
    )


def parse_text(name: str, value: object, where: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # YAML reads `label: 2024` as a number
    raise ConfigError(f"configuration {name} must be text, got {value!r}{where}")


def env_variable(name: str, config: Any, prefix: str = "") -> str:
    """The environment variable that sets ``name`` (LEARNLIB_LEARN_GH_TIMEOUT, INVOKE_...)."""
    prefix = prefix or str(getattr(config, "_env_prefix", None) or "INVOKE_")
    return prefix + name.replace(".", "_").upper()
