"""A GitHub API double on loopback, for running the real gh CLI against.

    from learnlib.sandbox.server import SandboxGitHub

    with SandboxGitHub() as gh_double:
        env = gh_double.gh_env(tmp_path, repo=DEMO_REPO)
        subprocess.run(["gh", "issue", "view", "5406", "--json", "body"], env=env, cwd=tmp_path)

``python -m learnlib.sandbox`` serves the demo state in the foreground and prints the exports
needed to try gh by hand. The GraphQL side needs graphql-core (the ``sandbox`` extra): importing
``learnlib.sandbox.server`` without it raises :class:`SandboxUnavailable`.
"""


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; the message says what to install."""
