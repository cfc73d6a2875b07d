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
MAX_FAILED_RUNS = 3  # a plan's learn runs failed in a row after which it is not redispatched
RUN_GONE_RECHECK = 3.0  # seconds before a 404 for a run that may be just dispatched is re-asked
LOOKUP_WORKERS = 4  # runs by id and session artifacts read at once
SESSION_BATCH = 20  # learn-backlog reads session artifacts this many plans at a time
RUN_GONE_LOOKS = 3  # looks in all at such a run, the waits doubling (3 s, 6 s): GitHub's lag
CHECK_SESSION_ARTIFACT = True  # read the implementation run's session artifact before a dispatch
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

# The numbers of every wait (learnlib.rules.schedule.Schedule); not configuration keys.
BACKOFF_GROWTH = 2.0  # every backoff doubles
GH_RETRY_ATTEMPTS = 4  # a transient gh failure: 4 tries, 0.25 s doubling to 4 s between them
GH_RETRY_FIRST = 0.25
GH_RETRY_LONGEST = 4.0
PATIENT_RETRY_ATTEMPTS = 8  # learn-backlog's gh calls: 1 s doubling to 30 s, 8 tries
PATIENT_RETRY_FIRST = 1.0
PATIENT_RETRY_LONGEST = 30.0
FOLLOW_STEPS = (1.0, 2.0, 3.0, 5.0, 8.0)  # --wait looks at the run after these waits,
FOLLOW_LONGEST = 10.0  # then every 10 s
FOLLOW_NOT_FOUND_GRACE = 10.0  # a run id gh just printed may 404 for a moment
POLL_MAX = 25  # run discovery: at most 25 listings,
POLL_FAST_GAP = 0.35  # every 0.35 s for the first 5 s after the dispatch,
POLL_FAST_UNTIL = 5.0
POLL_SLOW_FIRST = 0.7  # then gaps from 0.7 s growing by 1.3, the last listing at the timeout
POLL_SLOW_GROWTH = 1.3
DISPATCH_ATTEMPTS = 3  # a transient dispatch failure is retried when no run shows it happened
DISPATCH_CONFIRM_TIMEOUT = 3.0  # seconds to look for the run of a failed dispatch
CLOCK_SKEW = 10.0  # seconds a run's created_at may precede the dispatch on our clock

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
        "max_failed_runs": MAX_FAILED_RUNS,
        "check_session_artifact": CHECK_SESSION_ARTIFACT,
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
