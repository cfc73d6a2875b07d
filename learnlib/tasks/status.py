"""The learn-status task: every plan, its learn state and run, and what the trigger would do."""

from __future__ import annotations

from typing import Any

from invoke.context import Context

from learnlib.tasks import REPO_HELP, SANDBOX_HELP, learnlib_task

STATES = ("open", "closed", "all")


@learnlib_task(
    iterable=["issue"],
    optional=["state", "limit", "repo"],
    help={
        "issue": "Only this plan issue (repeat for several); default: every plan listed.",
        "state": "open, closed or all (default: config status.state, open).",
        "limit": "Most plans to list (default: config status.limit, 500).",
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
    from learnlib.tasks import runtime as rt

    console = rt.Console()

    def body() -> None:
        import os
        import sys

        from learnlib.gh.runner import GhError
        from learnlib.tasks.status_render import status_markdown, status_payload, status_table
        from learnlib.usecases.status import survey_plans

        config = rt.settings(c, console)
        numbers = [rt.positive_int(value, "--issue") for value in issue or []]
        chosen = flag_or_config_choice(
            state, "--state", config.text("status.state"), "status.state"
        )
        given_limit = rt.text(limit, "--limit").strip()
        most = rt.positive_int(given_limit, "--limit") if given_limit else None
        repository = rt.configured_repository(repo, config)
        options = rt.learn_options(config)
        try:
            with rt.github(config, repository, sandbox=sandbox, console=console) as gh:
                report = survey_plans(
                    gh,
                    label=options.label,
                    workflow=options.workflow,
                    state=chosen,
                    limit=most or config.count("status.limit"),
                    issues=numbers,
                    max_failed_runs=options.max_failed_runs,
                    check_session_artifact=options.check_session_artifact,
                )
        except GhError as error:
            console.error("Could not list the plans and their runs", error.detail)
            return rt.finish(listing_failure(error), 1)
        if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
            try:
                with open(summary, "a", encoding="utf-8") as out:
                    out.write(status_markdown(report))
            except OSError as error:
                console.warning(f"could not write the GitHub Actions step summary: {error}")
        if sys.stdout.isatty() and not json:
            sys.stdout.write(status_table(report))
            sys.stdout.flush()
            return None
        return rt.finish(status_payload(report), 0)

    rt.guarded(body, {}, interrupt_detail="nothing was written (learn-status only reads)")


def listing_failure(error: Any) -> dict[str, Any]:
    """The JSON object when gh could not list the plans or the runs."""
    return {
        "success": False,
        "error": "Could not list the plans and their runs",
        "error_type": error.kind,
        "detail": error.detail,
    }


def flag_or_config_choice(
    flag: object, option: str, configured: str, key: str, allowed: tuple[str, ...] = STATES
) -> str:
    """The flag's value, else the configured one: one of ``allowed`` (any case), or an error
    naming whichever of the two was wrong."""
    from learnlib.tasks import runtime as rt

    given = rt.text(flag, option).strip()
    value, name = (given, option) if given else (configured, f"configuration {key}")
    if value.lower() not in allowed:
        error = rt.ConfigError if not given else rt.UsageError
        raise error(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value.lower()
