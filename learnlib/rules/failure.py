"""The one shape of a failure: what every use-case result carries when it did not succeed.

``error`` is the sentence for a person, ``error_type`` the stable key the JSON contract names,
``detail`` what was seen (gh's words, the header's problem). Pure data: the use cases build it
(learnlib.usecases.failures turns gh and header errors into it), the face prints it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    error: str
    error_type: str
    detail: str = ""


class Failed:
    """Mixin for a frozen result with a ``failure`` field: its fields, read by the face's names."""

    failure: Failure | None

    @property
    def error(self) -> str | None:
        return None if self.failure is None else self.failure.error

    @property
    def error_type(self) -> str | None:
        return None if self.failure is None else self.failure.error_type

    @property
    def detail(self) -> str | None:
        return None if self.failure is None else self.failure.detail
