"""The web editor in a real browser (Debian's chromium through Playwright), as a chuyên viên
uses it: open the sample plan, change a deadline, see its dates and warning, save, build,
download the Kế hoạch; break a field; add a task; import a .docx; restore; two clerks."""

from __future__ import annotations

import re

import pytest
import yaml
from docx import Document

from tests.web_helpers import chromium, serve, shot, workspace

PLAN = "ba-dinh-2024"
TASK = "implementation[0].content[5]"          # pgd-nhap-du-lieu, "Từ ngày 05/9 đến ngày 30/9/2024"
PHRASE = f"{TASK}.deadline[0]"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def site(tmp_path):
    root = workspace(tmp_path)
    with serve(root) as url:
        yield url, root


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # A refused save answers 422 (errors shown) or 409 (conflict), a wrong password 401, on
    # purpose; anything else
    # (a CSP violation, a script error, a missing file) fails the test.
    expected = re.compile(r"Failed to load resource: .* status of (401|409|422)")
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and not expected.search(m.text) else None)
    yield pg
    ctx.close()
    assert not errors, f"browser errors: {errors}"  # a CSP violation would show here


def field(page, path: str):
    return page.locator(f'[data-path="{path}"]:is(input, textarea, select)').first


def test_journey_change_deadline_build_download(site, page, tmp_path):
    url, root = site
    plan_file = root / "plans" / f"{PLAN}.yaml"
    before = plan_file.read_text(encoding="utf-8")

    page.goto(url)
    shot(page, "01-ke-hoach")
    page.get_by_role("link", name=re.compile("Công tác phổ cập giáo dục")).click()
    page.wait_for_url(f"**/ke-hoach/{PLAN}")
    shot(page, "02-soan-thao")

    box = field(page, PHRASE)
    assert box.input_value() == "Từ ngày 05/9 đến ngày 30/9/2024"
    box.scroll_into_view_if_needed()
    box.fill("")
    box.type("Từ ngày 07/9 đến ngày 30/9/2024", delay=15)   # 07/9/2024 is a Saturday
    dates = page.locator(f"#{box.get_attribute('id')}-dates")
    page.wait_for_function("el => el.textContent.includes('07/09/2024')", arg=dates.element_handle())
    assert dates.inner_text() == "→ 07/09/2024 – 30/09/2024"
    warning = page.locator(f'[role="alert"][data-path="{PHRASE}"]')
    warning.wait_for()
    assert "thứ Bảy" in warning.inner_text()
    shot(page, "03-thoi-han-canh-bao")

    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_url(re.compile(r"msg="))
    assert "Đã lưu" in page.locator(".flash").inner_text()
    shot(page, "04-da-luu")

    after = plan_file.read_text(encoding="utf-8")
    data = yaml.safe_load(after)
    task = data["implementation"][0]["content"][5]
    assert task["deadline"] == "Từ ngày 07/9 đến ngày 30/9/2024"
    assert "(Từ ngày 07/9 đến ngày 30/9/2024)" in task["task"]        # the sentence follows
    assert "  # đổi hạn: sửa cả cụm trong câu task ở trên" in after    # comments intact
    assert after.splitlines()[:3] == before.splitlines()[:3]
    changed = [i for i, (a, b) in enumerate(zip(before.splitlines(), after.splitlines())) if a != b]
    assert len(changed) == 2 and len(before.splitlines()) == len(after.splitlines())

    page.get_by_role("link", name="Dựng văn bản, tải về").click()
    page.get_by_role("button", name="Dựng văn bản").click()
    page.wait_for_url(re.compile(r"/van-ban\?msg="))
    assert "Đã dựng" in page.locator(".flash").inner_text()
    shot(page, "05-dung-van-ban")
    assert page.get_by_text("Đạt, không có lỗi").count() >= 1     # lint of each document

    with page.expect_download() as dl:
        page.get_by_role("link", name=f"{PLAN}.docx", exact=True).click()
    target = tmp_path / "tai-ve.docx"
    dl.value.save_as(target)
    text = "\n".join(p.text for p in Document(target).paragraphs)
    assert "Từ ngày 07/9 đến ngày 30/9/2024" in text
    assert "Từ ngày 05/9 đến ngày 30/9/2024" not in text

    with page.expect_download() as dl:
        page.get_by_role("link", name="Tải tất cả (.zip)").click()
    assert dl.value.suggested_filename == f"{PLAN}-van-ban.zip"


def test_broken_field_shows_error_at_it_and_writes_nothing(site, page):
    url, root = site
    plan_file = root / "plans" / f"{PLAN}.yaml"
    before = plan_file.read_bytes()
    page.goto(f"{url}/ke-hoach/{PLAN}")
    box = field(page, PHRASE)
    box.fill("trươc ngày 5/11")
    page.locator(f'.phrase-alerts [role="alert"][data-path="{PHRASE}"].err').wait_for()
    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_load_state()
    alert = page.locator(f'[role="alert"][data-path="{PHRASE}"]')
    assert "không hiểu thời hạn" in alert.first.inner_text()
    link = page.locator(f'.problem-list a[data-path="{PHRASE}"]')
    assert link.count() == 1 and link.get_attribute("href") == f"#{box.get_attribute('id')}"
    assert "Chưa lưu" in page.locator(".note").inner_text()
    assert field(page, PHRASE).input_value() == "trươc ngày 5/11"   # the user's text is kept
    shot(page, "06-loi-tai-truong")
    assert plan_file.read_bytes() == before


def test_add_task(site, page):
    url, root = site
    page.goto(f"{url}/ke-hoach/{PLAN}")
    page.get_by_role("button", name="+ Thêm nhiệm vụ cho Phòng KHTC").click()
    page.wait_for_load_state()
    new = "implementation[1].content[2]"
    row = page.locator(f'tr[data-path="{new}"]')
    row.scroll_into_view_if_needed()
    shot(page, "07-them-nhiem-vu")
    field(page, f"{new}.task").fill("Bố trí kinh phí tập huấn phần mềm PCGD, XMC (tháng 4/2024).")
    field(page, f"{new}.deadline[0]").fill("tháng 4/2024")
    row.locator("details.picker summary").click()
    row.get_by_label("Phòng GDĐT").check()
    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_url(re.compile(r"msg="))
    data = yaml.safe_load((root / "plans" / f"{PLAN}.yaml").read_text(encoding="utf-8"))
    task = data["implementation"][1]["content"][2]
    assert task["task"].startswith("Bố trí kinh phí tập huấn")
    assert task["deadline"] == ["tháng 4/2024"] and task["co_owners"] == ["pgddt"]
    assert task["id"] == "pkhtc-moi-1"


def test_import_docx_lists_spots(site, page, tmp_path):
    url, root = site
    from workflow.build import build

    res = build(root / "plans" / f"{PLAN}.yaml", out_dir=tmp_path / "built")
    docx = next(p for k, p in res.outputs if k == "ke-hoach")
    page.goto(url)
    page.get_by_role("link", name="Nhập từ Word…").click()
    page.get_by_label("Tệp Kế hoạch").set_input_files(str(docx))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Đã nhập kế hoạch")
    shot(page, "08-nhap-tu-word")
    name = re.search(r"Đã nhập kế hoạch (\S+)", page.locator("h1").inner_text()).group(1)
    assert (root / "plans" / f"{name}.yaml").is_file()
    page.get_by_role("link", name="Mở kế hoạch để sửa").click()
    page.wait_for_url(f"**/ke-hoach/{name}")
    assert field(page, "document.issuing_body").input_value() == "BAN CHỈ ĐẠO PCGD, XMC"


def test_restore_older_version(site, page):
    url, root = site
    plan_file = root / "plans" / f"{PLAN}.yaml"
    original = plan_file.read_text(encoding="utf-8")
    page.goto(f"{url}/ke-hoach/{PLAN}")
    field(page, "document.title").fill("Công tác PCGD, XMC năm 2024 (bản sửa)")
    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_url(re.compile(r"msg="))
    assert plan_file.read_text(encoding="utf-8") != original
    page.get_by_role("link", name="Lịch sử").click()
    shot(page, "09-lich-su")
    page.get_by_role("button", name="So sánh hai bản đã chọn").click()
    page.wait_for_load_state()
    assert "nội dung" in page.locator("main").inner_text() or "phần đầu" in page.locator("main").inner_text()
    shot(page, "10-so-sanh")
    page.go_back()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Khôi phục bản 1").click()
    page.wait_for_url(re.compile(r"msg="))
    assert "Đã khôi phục bản 1" in page.locator(".flash").inner_text()
    assert plan_file.read_text(encoding="utf-8") == original


def test_two_clerks_conflict(site, browser):
    url, root = site
    plan_file = root / "plans" / f"{PLAN}.yaml"
    pages = []
    for _ in range(2):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        pages.append(ctx.new_page())
        pages[-1].goto(f"{url}/ke-hoach/{PLAN}")
    first, second = pages
    field(first, "signer.name").fill("Nguyễn Văn A")
    first.get_by_role("button", name="Lưu").first.click()
    first.wait_for_url(re.compile(r"msg="))
    field(second, "archive").fill("VT, PGDĐT, BCĐ")
    second.get_by_role("button", name="Lưu").first.click()
    second.wait_for_load_state()
    assert "Chưa lưu" in second.locator("h1").inner_text()
    mine = second.locator("#mine").input_value()
    assert "archive: VT, PGDĐT, BCĐ" in mine and "Nguyễn Văn A" not in mine
    assert "Nguyễn Văn A" in second.locator("#current").input_value()
    shot(second, "11-xung-dot")
    assert "Nguyễn Văn A" in plan_file.read_text(encoding="utf-8")   # the first save stands
    second.get_by_role("button", name="Giữ bản của tôi").click()
    second.wait_for_url(re.compile(r"msg="))
    assert "archive: VT, PGDĐT, BCĐ" in plan_file.read_text(encoding="utf-8")
    for p in pages:
        p.context.close()


def test_other_pages_render(site, page):
    url, root = site
    page.goto(f"{url}/ke-hoach/{PLAN}/kiem-tra")
    assert "hợp lệ" in page.locator("main").inner_text()
    shot(page, "12-kiem-tra")
    page.goto(f"{url}/ke-hoach/{PLAN}/yaml")
    assert page.locator("#yaml-text").input_value().startswith("# Kế hoạch PCGD, XMC năm 2024")
    shot(page, "13-nang-cao")
    page.goto(f"{url}/ke-hoach/{PLAN}/van-ban")
    page.get_by_role("button", name="Dựng văn bản").click()
    page.wait_for_url(re.compile(r"msg="))
    page.goto(f"{url}/ke-hoach/{PLAN}/xem-truoc")
    img = page.locator(".pages img").first
    note = page.locator('[role="alert"].warn')
    if img.count():
        img.wait_for()
        assert page.evaluate("(el) => el.naturalWidth", img.element_handle()) > 500
    else:  # without LibreOffice: a clear note, and the .docx still downloadable
        assert "LibreOffice" in note.inner_text()
        assert page.get_by_role("link", name=re.compile(r"^Tải .*\.docx$")).count() == 1
    shot(page, "14-xem-truoc")
    page.goto(url)
    page.get_by_role("button", name="Chuyển sang năm 2025").click()
    page.wait_for_load_state()
    assert (root / "plans" / "ba-dinh-2025.yaml").is_file()
    shot(page, "15-chuyen-nam")
    page.goto(url)
    page.get_by_role("button", name="Tạo kế hoạch mới").click()
    page.wait_for_url(re.compile(r"/ke-hoach/ke-hoach-\d{4}"))


def test_login_when_accounts_exist(tmp_path, page):
    from workflow.web.accounts import Accounts

    root = workspace(tmp_path)
    Accounts(root / ".kehoach").add("lan", "mat-khau-dai")
    with serve(root) as url:
        page.goto(f"{url}/ke-hoach/{PLAN}")
        page.wait_for_url(re.compile(r"/dang-nhap\?next="))
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("sai-mat-khau")
        page.get_by_role("button", name="Đăng nhập").click()
        assert "Sai tên đăng nhập hoặc mật khẩu" in page.get_by_role("alert").inner_text()
        shot(page, "16-dang-nhap")
        page.get_by_label("Mật khẩu").fill("mat-khau-dai")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**/ke-hoach/{PLAN}")
        assert page.locator("header .logout span").inner_text() == "lan"
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url("**/dang-nhap")
