"""Shared pytest hooks: notes (such as where page images were written) printed at the end;
kehoach's disk cache in a folder of the test run's own (never the user's)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

ARTIFACT_NOTES = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[ARTIFACT_NOTES] = []
    # Every process a test starts inherits it: tests write nothing outside their own folders.
    os.environ["KEHOACH_CACHE_DIR"] = tempfile.mkdtemp(prefix="kehoach-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.get("KEHOACH_CACHE_DIR", ""), ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in config.stash.get(ARTIFACT_NOTES, []):
        terminalreporter.write_line(line)
