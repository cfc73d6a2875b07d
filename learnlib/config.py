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
        "wait_timeout": 1800.0,
    },
    "land": {
        "merge_method": "squash",
        "delete_branch": False,
    },
    "status": {
        "state": "open",
        "limit": 500,
    },
    "backlog": {
        "state": "closed",
        "limit": 500,
        "rate": 20.0,  # dispatches a minute; 0 means no limit
        "concurrency": 4,
        "rate_limit_backoff": 60.0,  # first pause when GitHub's rate limit answers; doubles
        "rate_limit_backoff_max": 900.0,
        "rate_limit_attempts": 5,
    },
}
