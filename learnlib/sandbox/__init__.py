"""A GitHub API double on loopback, for running the real gh CLI against.

    from learnlib.sandbox.server import SandboxGitHub

    with SandboxGitHub() as gh_double:
        env = gh_double.gh_env(tmp_path, repo=DEMO_REPO)
        subprocess.run(["gh", "issue", "view", "5406", "--json", "body"], env=env, cwd=tmp_path)

``learnlib sandbox`` (or ``python -m learnlib.sandbox``) serves the per-user state in the
foreground; ``learnlib sandbox -- gh issue view 5406`` runs one command against it (see
session.py). ``seed.many_plans`` makes thousands of plans and runs for tests at scale. The
GraphQL side needs graphql-core (the ``sandbox`` extra): importing ``learnlib.sandbox.server``
without it raises :class:`SandboxUnavailable`.
"""


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; the message says what to install."""
