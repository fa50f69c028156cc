"""Shared pytest hooks: notes (such as where page images were written) printed at the end."""

from __future__ import annotations

import pytest

ARTIFACT_NOTES = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[ARTIFACT_NOTES] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in config.stash.get(ARTIFACT_NOTES, []):
        terminalreporter.write_line(line)
