"""Invoke task modules: only Invoke is imported at start-up, the work when a task runs."""

# Help texts that several tasks share.
REPO_HELP = "Repository OWNER/NAME (default: learn.repo, else GH_REPO, else the git remote)."
SANDBOX_HELP = "Run against a local GitHub double seeded with demo plans (needs gh only)."
