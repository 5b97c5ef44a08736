"""Exceptions for "cannot continue" situations; bad records are diagnostics, never exceptions."""

from __future__ import annotations

import click


class KinerjaError(click.ClickException):
    """A problem that stops a command; printed without a traceback."""

    exit_code = 1


class UsageProblem(KinerjaError):
    """Bad command-line use or configuration (exit code 2)."""

    exit_code = 2
