"""Every configuration default, in one place: the tasks' ns.configure, the option dataclasses and
the gh runner all take theirs from here (it imports nothing, so learn.py and land.py can use it).

Each key's default also fixes its type: the face (learnlib/tasks/config.py) reads every configured
value, from YAML or the environment, as that type and refuses anything else, naming the key.
"""

from __future__ import annotations

from typing import Any

WORKFLOW = "learn-async.yml"
LABEL = "erk-plan"
GH_TIMEOUT = 30.0  # seconds for one gh call
DEADLINE = 120.0  # seconds for a whole task
RUN_DISCOVERY_TIMEOUT = 30.0  # seconds to find the dispatched run on gh < 2.87
LEARN_ON_LAND = True
MERGE_METHOD = "squash"
DELETE_BRANCH = False
WAIT_TIMEOUT = 1800.0  # seconds --wait follows a learn run
STATUS_STATE = "open"
STATUS_LIMIT = 500
BACKLOG_STATE = "closed"  # landed plans
BACKLOG_LIMIT = 500
BACKLOG_RATE = 20.0  # dispatches a minute (GitHub allows 80 content-creating requests a minute)
BACKLOG_CONCURRENCY = 4
BACKLOG_BACKOFF = 60.0  # first pause when GitHub's rate limit answers; doubles
BACKLOG_BACKOFF_MAX = 900.0
BACKLOG_RATE_LIMIT_ATTEMPTS = 5
SANDBOX_LEARN_RUN_SECONDS = 4.0  # a --sandbox learn run: in progress after half, done after all

DEFAULTS: dict[str, Any] = {
    "learn": {
        "workflow": WORKFLOW,
        "label": LABEL,
        "ref": "",
        "repo": "",
        "gh_timeout": GH_TIMEOUT,
        "deadline": DEADLINE,
        "run_discovery_timeout": RUN_DISCOVERY_TIMEOUT,
        "on_land": LEARN_ON_LAND,
        "wait_timeout": WAIT_TIMEOUT,
    },
    "land": {
        "merge_method": MERGE_METHOD,
        "delete_branch": DELETE_BRANCH,
    },
    "status": {
        "state": STATUS_STATE,
        "limit": STATUS_LIMIT,
    },
    "backlog": {
        "state": BACKLOG_STATE,
        "limit": BACKLOG_LIMIT,
        "rate": BACKLOG_RATE,
        "concurrency": BACKLOG_CONCURRENCY,
        "rate_limit_backoff": BACKLOG_BACKOFF,
        "rate_limit_backoff_max": BACKLOG_BACKOFF_MAX,
        "rate_limit_attempts": BACKLOG_RATE_LIMIT_ATTEMPTS,
    },
}
