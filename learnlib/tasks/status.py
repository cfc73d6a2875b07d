"""The learn-status task: every plan, its learn state and run, and what the trigger would do."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from learnlib.tasks import REPO_HELP, SANDBOX_HELP

STATES = ("open", "closed", "all")


@task(
    iterable=["issue"],
    optional=["state", "limit", "repo"],
    help={
        "issue": "Only this plan issue (repeat for several); default: every plan listed.",
        "state": "open, closed or all (default: config status.state, open).",
        "limit": "Most plans to list (default: config status.limit).",
        "json": "Print JSON even on a terminal.",
        "repo": REPO_HELP,
        "sandbox": SANDBOX_HELP,
    },
)
def learn_status(
    c: Context,
    issue: list[str] | None = None,
    state: str | None = None,
    limit: str | None = None,
    json: bool = False,
    repo: str | None = None,
    sandbox: bool = False,
) -> None:
    """Show every plan's learn status and run, and what trigger-async-learn would do now."""
    import os
    import sys

    from learnlib import task_runtime as rt
    from learnlib.gh.runner import GhError
    from learnlib.status import learn_status as read_status
    from learnlib.tasks.status_render import status_markdown, status_payload, status_table

    config = c.config.learn
    try:
        numbers = [rt.positive_int(value, "--issue") for value in issue or []]
        chosen = choice(rt.text(state, "--state") or c.config.status.state, "--state", STATES)
        most = rt.positive_int(rt.text(limit, "--limit") or str(c.config.status.limit), "--limit")
        repository = rt.repository(rt.text(repo, "--repo") or config.repo)
        workflow = rt.learn_options(config).workflow
        with rt.github(config, repository, sandbox=sandbox) as gh:
            report = read_status(
                gh,
                label=str(config.label),
                workflow=workflow,
                state=chosen,
                limit=most,
                issues=numbers,
            )
    except rt.UsageError as error:
        return rt.usage_failure(error)
    except GhError as error:
        rt.say(f"error: {error}")
        failure = {
            "success": False,
            "error": "Could not list the plans and their runs",
            "error_type": error.kind,
            "detail": error.detail,
        }
        return rt.finish(failure, 1)
    except Exception as error:  # a bug: still one JSON object, not a traceback
        return rt.internal_failure(error)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as out:
                out.write(status_markdown(report))
        except OSError as error:
            rt.say(f"warning: could not write the GitHub Actions step summary: {error}")
    if sys.stdout.isatty() and not json:
        sys.stdout.write(status_table(report))
        sys.stdout.flush()
        return None
    return rt.finish(status_payload(report), 0)


def choice(value: object, option: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive), else a usage error naming them."""
    from learnlib import task_runtime as rt

    given = str(value).strip().lower()
    if given not in allowed:
        raise rt.UsageError(f"{option} must be one of {', '.join(allowed)}, got {value!r}")
    return given
