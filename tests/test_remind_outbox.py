"""The Maildir outbox makes a chunk of mails durable before they are put in place: one
syncfs(2) for the chunk on Linux, else (or when it fails) each file flushed, a failing one
reported for that mail only."""

from __future__ import annotations

import sys

import pytest

from workflow.reminders import transport
from workflow.reminders.transport import MaildirTransport, SendError


def _mails(n: int) -> list[tuple[bytes, str]]:
    return [(f"Subject: thư {i}\r\n\r\nNội dung {i}\r\n".encode(), f"<m{i}@kehoach.test>")
            for i in range(n)]


def _spy(monkeypatch, name: str, result=None):
    calls = []
    real = getattr(transport, name)

    def spy(path):
        calls.append(path)
        return real(path) if result is None else result
    monkeypatch.setattr(transport, name, spy)
    return calls


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs(2) is Linux's")
def test_linux_flushes_a_chunk_with_one_syncfs(tmp_path, monkeypatch):
    assert transport._syncfs() is not None
    synced = _spy(monkeypatch, "_sync_filesystem")
    flushed = _spy(monkeypatch, "_fsync_file")
    box = MaildirTransport(tmp_path / "outbox")
    assert box.send_many(_mails(5)) == [None] * 5
    assert len(synced) == 1 and flushed == []
    assert len(list((tmp_path / "outbox" / "new").iterdir())) == 5
    assert list((tmp_path / "outbox" / "tmp").iterdir()) == []
    # a chunk with nothing new to write syncs nothing
    assert box.send_many(_mails(5)) == ["đã có trong hộp thư đi (không ghi lại)"] * 5
    assert len(synced) == 1


def test_without_syncfs_each_file_is_flushed_and_a_failure_is_that_mails(tmp_path, monkeypatch):
    _spy(monkeypatch, "_sync_filesystem", result=False)  # no syncfs here, or it failed
    real = transport._fsync_file
    flushed = []

    def fsync_file(path):
        flushed.append(path.name)
        return "Input/output error" if path.name.startswith(transport_name(2)) else real(path)
    monkeypatch.setattr(transport, "_fsync_file", fsync_file)
    box = MaildirTransport(tmp_path / "outbox")
    out = box.send_many(_mails(4))
    assert len(flushed) == 4
    assert [type(r) for r in out] == [type(None), type(None), SendError, type(None)]
    assert "Input/output error" in str(out[2])
    names = {p.name for p in (tmp_path / "outbox" / "new").iterdir()}
    assert transport_name(2) not in names and len(names) == 3


def transport_name(i: int) -> str:
    return MaildirTransport.__new__(MaildirTransport)._name(f"<m{i}@kehoach.test>")
