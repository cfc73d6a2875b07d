"""A GitHub API double on loopback, for running the real gh CLI against (standard library only).

    with SandboxGitHub() as gh_double:
        env = gh_double.gh_env(tmp_path, repo=DEMO_REPO)
        subprocess.run(["gh", "issue", "view", "5406", "--json", "body"], env=env, cwd=tmp_path)

``python -m learnlib.sandbox`` serves the demo state in the foreground and prints the exports
needed to try gh by hand.
"""

from learnlib.sandbox.core import (
    ENDPOINTS,
    BranchDeletion,
    DispatchRecord,
    EditRecord,
    MergeRecord,
    RequestRecord,
)
from learnlib.sandbox.seed import DEMO_REPO, LEARN_WORKFLOW, demo_state
from learnlib.sandbox.server import SandboxGitHub, serve
from learnlib.sandbox.state import (
    Issue,
    Label,
    PullRequest,
    Repo,
    Run,
    SandboxState,
    Workflow,
)

__all__ = [
    "DEMO_REPO",
    "ENDPOINTS",
    "LEARN_WORKFLOW",
    "BranchDeletion",
    "DispatchRecord",
    "EditRecord",
    "Issue",
    "Label",
    "MergeRecord",
    "PullRequest",
    "Repo",
    "RequestRecord",
    "Run",
    "SandboxGitHub",
    "SandboxState",
    "Workflow",
    "demo_state",
    "serve",
]
