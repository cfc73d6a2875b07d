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
    },
    "land": {
        "merge_method": MERGE_METHOD,
        "delete_branch": DELETE_BRANCH,
    },
}
