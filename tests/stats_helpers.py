"""Small figures files for the statistics tests, built inside tmp_path."""

from __future__ import annotations

import csv
from pathlib import Path

# A unit that meets every level of every programme comfortably (nd20-2014 and 2025 columns).
PERFECT = {
    "dbkk": 0, "dieu_kien_mn5": 1, "dieu_kien_th": 1, "dieu_kien_thcs": 1, "dieu_kien_xmc": 1,
    "mn3_5_tong": 1000, "mn3_5_ra_lop": 1000, "mn3_5_hoan_thanh": 1000,
    "mn5_tong": 100, "mn5_ra_lop": 100, "mn5_hoan_thanh": 100,
    "th6_tong": 100, "th6_vao_lop1": 100,
    "th11_tong": 100, "th11_hoan_thanh": 100, "th11_dang_hoc_th": 0,
    "th11_14_tong": 400, "th11_14_hoan_thanh": 400,
    "thcs_tong": 400, "thcs_tot_nghiep": 400, "thcs_dang_hoc": 400,
    "xmc_15_25_tong": 1000, "xmc_15_25_md1": 1000,
    "xmc_15_35_tong": 2000, "xmc_15_35_md1": 2000, "xmc_15_35_md2": 2000,
    "xmc_15_60_tong": 4000, "xmc_15_60_md2": 4000,
}
ND20_COLUMNS = ["don_vi", "cap_tren"] + [c for c in PERFECT if not c.startswith("mn3_5")]
ALL_COLUMNS = ["don_vi", "cap_tren"] + list(PERFECT)


def unit(name: str, parent: str = "Quận Mẫu", **changes) -> dict:
    row = {"don_vi": name, "cap_tren": parent, **PERFECT}
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None,
              notes: list[str] = ()) -> Path:
    columns = columns or ND20_COLUMNS
    with open(path, "w", encoding="utf-8", newline="") as f:
        for n in notes:
            f.write(f"# {n}\n")
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return path


META = """\
year: 2024
criteria: nd20-2014
sample: true
area: quận Mẫu
unit_word: phường
authority: UBND Thành phố
document:
  type: Báo cáo
  parent_body: UBND QUẬN MẪU
  issuing_body: BAN CHỈ ĐẠO PCGD, XMC
  issuer_name: Ban Chỉ đạo PCGD, XMC quận Mẫu
  symbol: BC-BCĐ
  place: Mẫu
  date: {day: null, month: 11, year: 2024}
  title: Kết quả phổ cập giáo dục, xóa mù chữ năm 2024
recipients: [Sở GDĐT]
archive: VT, PGDĐT
signer:
  lines: [TRƯỞNG BAN]
  name: Nguyễn Văn A
situation: [Quận có ba phường & nhiều trường <ngoài công lập>.]
targets:
  - {text: Tỷ lệ phường đạt chuẩn PCGD THCS mức độ 3, programme: thcs, level: 3, target: 100}
"""
