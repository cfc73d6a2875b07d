"""The gh runner: argv, stdin, timeouts, retries and typed errors."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from learnlib.gh.issues import edit_issue_body, read_issue_body
from learnlib.gh.runner import (
    Deadline,
    GhAuthRequired,
    GhBadOutput,
    GhError,
    GhNotFound,
    GhNotInstalled,
    GhRejected,
    GhTimeout,
    GhUnavailable,
    GitHubCli,
    classify,
    redact,
)
from learnlib.gh.workflows import dispatch_workflow, parse_dispatch_output
from learnlib.rules.schedule import Schedule


@pytest.mark.parametrize(
    ("returncode", "stderr", "kind"),
    [
        (4, "To get started with GitHub CLI, please run:  gh auth login\n", GhAuthRequired),
        (1, "HTTP 401: Bad credentials (https://api.github.com/graphql)\n", GhAuthRequired),
        (
            1,
            "GraphQL: Could not resolve to an issue or pull request with the number of 9. "
            "(repository.issue)\n",
            GhNotFound,
        ),
        (
            1,
            "HTTP 404: Not Found (https://api.github.com/repos/o/r/actions/workflows/x.yml)\n",
            GhNotFound,
        ),
        (
            1,
            "could not create workflow dispatch event: HTTP 422: Unexpected inputs provided: "
            '["x"] (https://api.github.com/...)\n',
            GhRejected,
        ),
        (1, "HTTP 502: Bad Gateway (https://api.github.com/graphql)\n", GhUnavailable),
        (
            1,
            "HTTP 429: Too Many Requests (https://api.github.com/x)\nRetry-After: 3\n",
            GhUnavailable,
        ),
        (
            1,
            "HTTP 403: API rate limit exceeded for user ID 1. (https://api.github.com/x)\n",
            GhUnavailable,
        ),
        (1, "GraphQL: API rate limit exceeded for user ID 1.\n", GhUnavailable),
        (1, "You have exceeded a secondary rate limit\n", GhUnavailable),
        (1, "error connecting to api.github.com\ncheck your internet connection\n", GhUnavailable),
        (1, 'non-200 OK status code: 502 Bad Gateway body: "oops"\n', GhUnavailable),
        (1, "something else entirely\n", GhError),
    ],
)
def test_classify(returncode: int, stderr: str, kind: type[GhError]) -> None:
    error = classify("doing x", returncode, stderr)
    assert type(error) is kind
    assert error.action == "doing x" and error.detail


def test_classify_reads_retry_after() -> None:
    error = classify("x", 1, "HTTP 429: Too Many Requests (u)\nRetry-After: 3\n")
    assert error.retry_after == 3.0 and error.status == 429


def test_redact_hides_tokens() -> None:
    text = "token ghp_abcdefghijklmnopqrstuvwxyz0123 and s3cr3t-value"
    assert redact(text, {"GH_TOKEN": "s3cr3t-value"}) == "token *** and ***"


def test_gh_error_text_never_shows_the_token(fp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN", "tok-1234567890")
    fp.register(
        ["gh", "issue", "view", "1", "--json", "body"],
        returncode=1,
        stderr="HTTP 401: bad token tok-1234567890 (u)\n",
    )
    with pytest.raises(GhAuthRequired) as caught:
        read_issue_body(GitHubCli(), 1)
    assert "tok-1234567890" not in str(caught.value)


def test_repo_flag_is_added_only_when_given(fp: Any) -> None:
    fp.register(
        ["gh", "issue", "view", "1", "--json", "body", "--repo", "a/b"], stdout='{"body":"x"}'
    )
    fp.register(["gh", "issue", "view", "2", "--json", "body"], stdout='{"body":"y"}')
    assert read_issue_body(GitHubCli(repo="a/b"), 1) == "x"
    assert read_issue_body(GitHubCli(), 2) == "y"


def test_body_goes_on_stdin_byte_for_byte(fp: Any) -> None:
    body = "line one\r\nünïcödé — ✓\r\n\x00tail without newline"
    received: list[bytes] = []
    fp.register(["gh", "issue", "edit", "3", "--body-file", "-"], stdin_callable=received.append)
    edit_issue_body(GitHubCli(), 3, body)
    assert received == [body.encode("utf-8")]
    call = fp.calls[0]
    assert isinstance(call, list) and body not in " ".join(call)


def test_missing_gh_says_how_to_install(fp: Any) -> None:
    fp.allow_unregistered(True)
    with pytest.raises(GhNotInstalled) as caught:
        read_issue_body(GitHubCli(executable="/nonexistent/gh"), 1)
    assert "apt-get install gh" in str(caught.value)


def test_slow_gh_times_out(fp: Any, tmp_path: Path) -> None:
    slow = tmp_path / "gh"
    slow.write_text("#!/bin/sh\nexec sleep 5\n")
    slow.chmod(0o755)
    fp.allow_unregistered(True)  # run the real slow script
    gh = GitHubCli(executable=str(slow), timeout=0.3, retry=Schedule(first=0.0, attempts=1))
    with pytest.raises(GhTimeout, match="did not answer"):
        read_issue_body(gh, 1)


def test_no_call_once_the_deadline_has_passed() -> None:
    gh = GitHubCli(deadline=Deadline(0.0))
    with pytest.raises(GhTimeout, match="deadline"):
        read_issue_body(gh, 1)


def test_transient_failures_are_retried_then_given_up(fp: Any) -> None:
    argv = ["gh", "issue", "view", "1", "--json", "body"]
    fp.register(argv, returncode=1, stderr="HTTP 503: Service Unavailable (u)\n", occurrences=5)
    waits: list[float] = []
    gh = GitHubCli(retry=Schedule(first=0.1, attempts=3), sleep=waits.append)
    with pytest.raises(GhUnavailable):
        read_issue_body(gh, 1)
    assert fp.call_count(argv) == 3
    assert waits == [0.1, 0.2]


def test_retry_after_is_honoured(fp: Any) -> None:
    argv = ["gh", "issue", "view", "1", "--json", "body"]
    fp.register(argv, returncode=1, stderr="HTTP 429: Too Many Requests (u)\nRetry-After: 2\n")
    fp.register(argv, stdout='{"body":"ok"}')
    waits: list[float] = []
    assert read_issue_body(GitHubCli(sleep=waits.append), 1) == "ok"
    assert waits == [2.0]


def test_a_rejection_is_not_retried(fp: Any) -> None:
    argv = ["gh", "issue", "view", "1", "--json", "body"]
    fp.register(argv, returncode=1, stderr="HTTP 422: Validation Failed (u)\n")
    with pytest.raises(GhRejected):
        read_issue_body(GitHubCli(sleep=lambda _: None), 1)
    assert fp.call_count(argv) == 1


def test_dispatch_is_never_retried_by_the_runner(fp: Any) -> None:
    argv = ["gh", "workflow", "run", "w.yml", "-f", "issue_number=1"]
    fp.register(argv, returncode=1, stderr="HTTP 502: Bad Gateway (u)\n")
    with pytest.raises(GhUnavailable):
        dispatch_workflow(GitHubCli(sleep=lambda _: None), "w.yml", {"issue_number": "1"})
    assert fp.call_count(argv) == 1


@pytest.mark.parametrize("stdout", [b"not json", b"\xff\xfe{}"])
def test_unreadable_output_is_a_typed_error(fp: Any, stdout: bytes) -> None:
    fp.register(["gh", "issue", "view", "1", "--json", "body"], stdout=stdout)
    with pytest.raises(GhBadOutput):
        read_issue_body(GitHubCli(), 1)


def test_dispatch_output_parsing() -> None:
    assert parse_dispatch_output("").run_id is None
    url = "https://github.com/o/r/actions/runs/123"
    parsed = parse_dispatch_output(f"{url}\n")
    assert (parsed.run_id, parsed.run_url) == (123, url)
    terminal = (
        f"✓ Created workflow_dispatch event for learn-async.yml at main\n{url}\n\nTo see runs..."
    )
    assert parse_dispatch_output(terminal).run_id == 123


def test_subprocess_gets_an_argv_list_not_a_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, dict[str, Any]]] = []

    def fake_run(argv: Any, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        seen.append((argv, kwargs))
        return subprocess.CompletedProcess(argv, 0, stdout=b'{"body":""}', stderr=b"")

    monkeypatch.setattr("learnlib.gh.runner.subprocess.run", fake_run)
    read_issue_body(GitHubCli(), 1)
    [(argv, kwargs)] = seen
    assert argv == ["gh", "issue", "view", "1", "--json", "body"]
    assert kwargs.get("shell", False) is False and "executable" not in kwargs
    assert kwargs["timeout"] > 0
