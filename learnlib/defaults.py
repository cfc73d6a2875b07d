"""Every configuration default, in one place: the tasks' ns.configure, the option dataclasses and
the gh runner all take theirs from here (it imports nothing, so learn.py and land.py can use it)."""

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
