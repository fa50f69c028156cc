"""The LibreOffice profile kept in kehoach's cache folder: reused by the next conversion,
private to one conversion at a time (a second one takes a throw-away profile), and made
anew when it is damaged."""

from __future__ import annotations

import shutil
import threading

import docx
import pytest

from workflow.documents import pdf

pytestmark = pytest.mark.skipif(not shutil.which("soffice"),
                                reason="LibreOffice (soffice) is not installed: PDF export not tested")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(where))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    return where


def _docx(path, text):
    d = docx.Document()
    d.add_paragraph(text)
    d.save(str(path))
    return path


def _pdf_ok(path) -> bool:
    return path.is_file() and path.read_bytes()[:5] == b"%PDF-"


def test_the_profile_is_kept_and_used_again(cache_dir, tmp_path):
    src = _docx(tmp_path / "a.docx", "Một")
    (out,) = pdf.to_pdf([src], tmp_path / "o1")
    kept = cache_dir / "libreoffice" / "profile"
    assert _pdf_ok(out) and (kept / "user").is_dir()
    assert (cache_dir / "libreoffice").stat().st_mode & 0o077 == 0  # the cache folder is private
    marker = kept / "user" / "kehoach-test-marker"
    marker.write_text("x")
    (out,) = pdf.to_pdf([src], tmp_path / "o2")
    assert _pdf_ok(out) and marker.exists()  # the same profile, not a new one


def test_a_damaged_profile_is_made_anew(cache_dir, tmp_path):
    src = _docx(tmp_path / "a.docx", "Hai")
    (cache_dir / "libreoffice").mkdir(parents=True)
    (cache_dir / "libreoffice" / "profile").write_text("not a profile")  # LibreOffice cannot start on it
    (out,) = pdf.to_pdf([src], tmp_path / "o")
    assert _pdf_ok(out) and (cache_dir / "libreoffice" / "profile" / "user").is_dir()


def test_while_another_conversion_holds_the_profile_a_throw_away_one_is_used(cache_dir, tmp_path):
    from filelock import FileLock

    src = _docx(tmp_path / "a.docx", "Ba")
    pdf.to_pdf([src], tmp_path / "o1")
    marker = cache_dir / "libreoffice" / "profile" / "user" / "kehoach-test-marker"
    marker.write_text("x")
    lock = FileLock(str(cache_dir / "libreoffice" / "profile.lock"))
    held, done = threading.Event(), threading.Event()

    def other_process():  # FileLock is per thread in one process: hold it from another thread
        with lock:
            held.set()
            done.wait(timeout=120)

    t = threading.Thread(target=other_process)
    t.start()
    try:
        assert held.wait(timeout=10)
        (cache_dir / "libreoffice" / "profile").rename(cache_dir / "libreoffice" / "aside")
        (out,) = pdf.to_pdf([src], tmp_path / "o2")
        assert _pdf_ok(out)
        assert not (cache_dir / "libreoffice" / "profile").exists()  # not touched: throw-away
    finally:
        done.set()
        t.join()


def test_with_the_cache_off_every_conversion_has_its_own_profile(cache_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KEHOACH_NO_CACHE", "1")
    (out,) = pdf.to_pdf([_docx(tmp_path / "a.docx", "Bốn")], tmp_path / "o")
    assert _pdf_ok(out) and not (cache_dir / "libreoffice").exists()
