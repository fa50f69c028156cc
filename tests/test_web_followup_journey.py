"""The follow-up in a real browser (Debian's chromium through Playwright), as a ward's clerk
and the office's chuyên viên use it: the office turns reminders on; UBND phường Kim Mã opens
its private link and reports a task done; the office sees and confirms it; run-due at a real
SMTP server (aiosmtpd) sends Kim Mã no mail for that task while the other wards get theirs;
the overdue list and the đôn đốc letters leave it out; the office opens the October
collection; Kim Mã uploads its workbook with one wrong cell, sees the error at that cell,
fixes it and sends again; the office builds the Báo cáo and downloads it; the unit's feed,
fetched twice, answers 304 the second time."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from docx import Document

from tests.remind_helpers import SmtpServer
from tests.web_helpers import chromium, free_port, serve, shot, workspace

PLAN = "ba-dinh-2024"
TASK = "phuong-lich-dieu-tra"
SUMMARY = "Điều tra, cập nhật số liệu, đề nghị quận kiểm tra công nhận"
NOW = datetime(2024, 10, 20, 9, 0)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def new_page(browser, errors: list[str]):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    pg = ctx.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    expected = re.compile(r"Failed to load resource: .* status of 422")  # a refused workbook, on purpose
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not expected.search(m.text) else None)
    return ctx, pg


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def site(tmp_path, smtp):
    root = workspace(tmp_path)
    port = free_port()
    (root / "settings.yaml").write_text(yaml.safe_dump({
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "timeout_seconds": 5},
        "sender": {"address": "phocap@badinh.example.org"},
        "web": {"public_url": f"http://127.0.0.1:{port}"},
    }), encoding="utf-8")
    with serve(root, port=port, now=NOW) as url:
        yield url, root


def mails_to(sink, address: str) -> list:
    return [m for m in sink.messages if address in str(m["To"])]


def text_of(m) -> str:
    return m.get_body(preferencelist=("plain",)).get_content()


def test_unit_reports_done_and_the_office_follows(site, browser, smtp, tmp_path):
    url, root = site
    errors: list[str] = []
    octx, office = new_page(browser, errors)
    uctx, unit = new_page(browser, errors)

    # the office turns the plan's reminders on
    office.goto(f"{url}/ke-hoach/{PLAN}/nhac-viec")
    office.get_by_role("button", name="Cập nhật sổ nhắc việc").click()
    office.wait_for_url(re.compile(r"msg="))
    assert "Đã cập nhật sổ nhắc việc" in office.locator(".flash").inner_text()
    shot(office, "theo-doi-01-nhac-viec")

    # the office's page lists each unit's private link
    office.goto(f"{url}/ke-hoach/{PLAN}/theo-doi")
    link = office.locator("table.links tr", has_text="Phường Kim Mã").locator("a.url").inner_text()
    assert re.fullmatch(rf"{re.escape(url)}/dv/[a-z2-7]{{22}}/2024", link)

    # the ward's clerk opens it (no account, another browser) and reports the task done
    unit.goto(link)
    assert unit.get_by_role("heading", level=1).inner_text() == "UBND phường Kim Mã"
    card = unit.locator(f"#nv-{TASK}")
    assert "Còn 11 ngày" in card.inner_text()
    assert unit.locator("article.task").first.get_attribute("class") == "task st-late"  # late first
    shot(unit, "theo-doi-02-trang-don-vi")
    card.get_by_text("Báo “Đã hoàn thành”").click()
    card.get_by_label("Ngày hoàn thành").fill("2024-10-18")
    card.get_by_label("Ghi chú").fill("Đã gửi biểu điều tra, số 15/BC-UBND")
    pdf = tmp_path / "bien-ban.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    card.get_by_label(re.compile("Tệp minh chứng")).set_input_files(str(pdf))
    card.get_by_role("button", name="Đã hoàn thành").click()
    unit.wait_for_url(re.compile(r"msg="))
    assert "Đã ghi" in unit.locator(".flash").inner_text()
    card = unit.locator(f"#nv-{TASK}")
    assert "Đã xong ngày 18/10/2024" in card.inner_text()
    assert "Chờ cơ quan thường trực xác nhận" in card.inner_text()
    card.scroll_into_view_if_needed()
    shot(unit, "theo-doi-03-don-vi-da-bao")

    # the office sees who reported what, when, and confirms it
    office.goto(f"{url}/ke-hoach/{PLAN}/theo-doi")
    row = office.locator("table.reports tbody tr", has_text="Phường Kim Mã")
    assert "18/10/2024" in row.inner_text() and "đơn vị: Phường Kim Mã" in row.inner_text()
    assert "Đã gửi biểu điều tra" in row.inner_text()
    with office.expect_download() as dl:
        row.get_by_role("link", name="Tệp đơn vị gửi").click()
    assert Path(dl.value.path()).read_bytes() == pdf.read_bytes()
    row.get_by_role("button", name="Xác nhận").click()
    office.wait_for_url(re.compile(r"msg="))
    assert "Đã xác nhận" in office.locator("table.reports tbody tr", has_text="Phường Kim Mã").inner_text()
    shot(office, "theo-doi-04-van-phong-xac-nhan")

    # the ledger: run-due a week before the deadline, at the real SMTP server
    from workflow.reminders.service import run_due
    from workflow.workspace import Workspace
    from workflow.workspace.followup import FollowUp

    fu = FollowUp(Workspace(root))
    res = run_due(db=fu.ledger, settings=fu.settings(), now=datetime(2024, 10, 24, 8, 0,
                                                                      tzinfo=fu.settings().tz),
                  links=fu.mail_link)
    assert not res.failed, res.failed
    kim_ma = mails_to(smtp.sink, "kimma@badinh.example.org")
    assert all(SUMMARY not in text_of(m) for m in kim_ma)      # no further reminder for it
    cong_vi = mails_to(smtp.sink, "congvi@badinh.example.org")
    assert any(SUMMARY in text_of(m) for m in cong_vi)         # the others still get theirs
    cv_link = office.locator("table.links tr", has_text="Phường Cống Vị").locator("a.url").inner_text()
    assert any(cv_link in text_of(m) for m in cong_vi)         # each mail carries its unit's link

    # the reminders page shows the mail as it was sent
    office.goto(f"{url}/ke-hoach/{PLAN}/nhac-viec")
    office.locator("tr", has_text="p-cong-vi").first.get_by_role("link", name="Xem thư đã gửi").click()
    assert cv_link in office.locator("pre.mail-text").inner_text()
    shot(office, "theo-doi-05-thu-da-gui")

    # the overdue list on 05/11/2024 and the đôn đốc letters leave Kim Mã's report out
    office.goto(f"{url}/ke-hoach/{PLAN}/cham-han?ngay=2024-11-05")
    assert office.locator("tbody tr", has_text="UBND phường Kim Mã").count() == 0   # nothing else late
    assert SUMMARY in office.locator("tbody tr", has_text="UBND phường Ngọc Hà").inner_text()
    shot(office, "theo-doi-06-cham-han")
    office.get_by_role("button", name="Soạn công văn đôn đốc").click()
    office.wait_for_load_state()
    assert "Đã soạn" in office.locator(".flash").inner_text()
    drafted = office.locator("main section.card li").all_inner_texts()
    assert not [d for d in drafted if "p-kim-ma" in d] and [d for d in drafted if "p-ngoc-ha" in d]
    with office.expect_download() as dl:
        office.get_by_role("link", name=f"{PLAN}-don-doc-p-ngoc-ha.docx").click()
    letter = "\n".join(p.text for p in Document(dl.value.path()).paragraphs)
    assert SUMMARY in letter and "UBND phường Ngọc Hà" in letter
    shot(office, "theo-doi-06b-cong-van")

    # the month calendar: October, Kim Mã's tasks, done and late told apart without colour
    office.goto(f"{url}/ke-hoach/{PLAN}/lich-thang?thang=2024-10&ngay=2024-11-05&don-vi=p-kim-ma")
    done = office.locator("table.month .mark.st-done", has_text="Điều tra")
    assert "✓" in done.inner_text() and "Đã xong" in done.inner_text()
    office.goto(f"{url}/ke-hoach/{PLAN}/lich-thang?thang=2024-10&ngay=2024-11-05")
    late = office.locator("table.month .mark.st-late", has_text="Điều tra")
    assert "▲" in late.inner_text() and "1/14 đơn vị đã xong" in late.inner_text()
    late.scroll_into_view_if_needed()
    shot(office, "theo-doi-07-lich-thang")

    # the feed, fetched twice: the second answer is 304
    feed = unit.locator("code.url").first.inner_text()
    first = unit.request.get(feed)
    assert first.status == 200 and first.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in first.body()
    second = unit.request.get(feed, headers={"If-None-Match": first.headers["etag"]})
    assert second.status == 304
    octx.close()
    uctx.close()
    assert not errors, f"browser errors: {errors}"


def test_units_send_october_figures_and_the_office_downloads_the_report(site, browser, tmp_path):
    from openpyxl import load_workbook

    url, root = site
    errors: list[str] = []
    octx, office = new_page(browser, errors)
    uctx, unit = new_page(browser, errors)

    office.goto(f"{url}/ke-hoach/{PLAN}/so-lieu")
    office.get_by_label("Hạn gửi").fill("2024-10-31")
    shot(office, "so-lieu-01-mo-thu")
    office.get_by_role("button", name="Mở thu số liệu").click()
    office.wait_for_url(re.compile(r"msg="))
    assert "14 đơn vị" in office.locator(".flash").inner_text()

    office.goto(f"{url}/ke-hoach/{PLAN}/theo-doi")
    links = {u: office.locator("table.links tr", has_text=u).locator("a.url").inner_text()
             for u in ("Phường Kim Mã", "Phường Cống Vị")}
    for ward, link in links.items():
        unit.goto(link)
        box = unit.locator("#so-lieu")
        with unit.expect_download() as dl:
            box.get_by_role("link", name="Tải sổ Excel nhập số liệu").click()
        wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        sheet = wb["Số liệu"]
        assert sheet["A4"].value == ward and sheet["H4"].value    # its name and last year's figures
        sheet["H4"] = sheet["H4"].value + 3                      # this year's count
        good = tmp_path / f"{ward}.xlsx"
        if ward == "Phường Kim Mã":
            sheet["I4"] = sheet["H4"].value + 5                  # one wrong cell: more than the whole
            bad = tmp_path / "sai.xlsx"
            wb.save(bad)
            box.get_by_label(re.compile("Gửi sổ đã điền")).set_input_files(str(bad))
            box.get_by_role("button", name="Gửi số liệu").click()
            unit.wait_for_load_state()
            cell = unit.locator("td#o-I4.bad-cell")
            assert "lớn hơn" in cell.inner_text()
            assert 'ô I4 (cột "Trẻ 5 tuổi ra lớp")' in unit.locator("#so-lieu .problem-list").inner_text()
            assert 'Trang "Số liệu"' in unit.locator("#so-lieu .problem-list").inner_text()
            cell.scroll_into_view_if_needed()
            shot(unit, "so-lieu-02-loi-tai-o")
            sheet["I4"] = sheet["H4"].value - 1                  # fixed
        wb.save(good)
        unit.locator("#so-lieu").get_by_label(re.compile("Gửi sổ đã điền")).set_input_files(str(good))
        unit.locator("#so-lieu").get_by_role("button", name="Gửi số liệu").click()
        unit.wait_for_url(re.compile(r"msg="))
        assert "Đã nhận số liệu" in unit.locator(".flash").inner_text()
    shot(unit, "so-lieu-03-da-nhan")

    office.goto(f"{url}/ke-hoach/{PLAN}/so-lieu")
    assert "2/14 đơn vị đã gửi" in office.locator("main").inner_text()
    table = office.locator("table.evaluation")
    assert "Phường Kim Mã" in table.inner_text() and "Phường Cống Vị" in table.inner_text()
    office.get_by_role("button", name="Dựng Báo cáo từ số liệu đã gửi").click()
    office.wait_for_url(re.compile(r"msg="), timeout=60000)
    assert "Đã dựng Báo cáo" in office.locator(".flash").inner_text()
    office.locator("table.evaluation").scroll_into_view_if_needed()
    shot(office, "so-lieu-04-danh-gia")
    office.get_by_role("heading", name="Báo cáo").scroll_into_view_if_needed()
    shot(office, "so-lieu-05-bao-cao")
    with office.expect_download() as dl:
        office.get_by_role("link", name="bao-cao-pcgd-xmc-2024.docx").click()
    doc = Document(dl.value.path())
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "BÁO CÁO" in text and "Phường Kim Mã" in text and "Phường Cống Vị" in text
    assert "Phường Phúc Xá" not in text                          # it did not send
    assert doc.inline_shapes                                     # the charts
    with office.expect_download() as dl:
        office.get_by_role("link", name="ket-qua-danh-gia-2024.xlsx").click()
    assert "tong_hop" in load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes())).sheetnames
    octx.close()
    uctx.close()
    assert not errors, f"browser errors: {errors}"
