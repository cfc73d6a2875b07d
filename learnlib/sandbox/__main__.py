"""``python -m learnlib.sandbox [--port N] [--state-file PATH]``: serve the GitHub double (the
per-user state by default, as ``learnlib sandbox``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from learnlib.sandbox import SandboxUnavailable


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m learnlib.sandbox",
        description="Serve an in-memory GitHub API double on 127.0.0.1 for the real gh CLI.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="JSON state: loaded if present (else the demo state), saved on every change "
        "(default: the per-user state, $LEARNLIB_SANDBOX_STATE)",
    )
    args = parser.parse_args(argv)
    try:
        import sys

        from learnlib.sandbox.session import serve, state_path

        serve(args.port, args.state_file or state_path(), out=sys.stdout)
    except (SandboxUnavailable, OSError) as err:  # no graphql-core, the port is taken, ...
        parser.exit(1, f"{parser.prog}: error: {err}\n")


if __name__ == "__main__":
    main()
