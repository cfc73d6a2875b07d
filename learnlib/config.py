"""Every configuration default of the collection (Invoke only overrides keys that exist)."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "learn": {
        "workflow": "learn-async.yml",
        "label": "erk-plan",
        "ref": "",
        "repo": "",
        "gh_timeout": 30.0,
        "deadline": 120.0,
        "run_discovery_timeout": 30.0,
        "on_land": True,
    },
    "land": {
        "merge_method": "squash",
        "delete_branch": False,
    },
}
