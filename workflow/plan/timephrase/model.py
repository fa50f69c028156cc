"""Public data of the time-phrase reader: what a reading is, and the error it raises.

`FORMS` lists the understood ways of writing a deadline; `PhraseError` quotes them, so a
user who wrote something unreadable sees at once what would have been read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RECURRENCES = ("yearly", "quarterly", "monthly")


@dataclass(frozen=True)
class Period:
    start: date | None  # first day, None if open
    end: date | None  # last allowed day, INCLUSIVE, None if open


@dataclass(frozen=True)
class SchoolCalendar:
    # defaults: school year 1/9 .. 31/5; học kỳ I 1/9 .. 15/1; học kỳ II 16/1 .. 31/5
    year_start: tuple[int, int] = (9, 1)  # (month, day)
    year_end: tuple[int, int] = (5, 31)
    term1_end: tuple[int, int] = (1, 15)


@dataclass(frozen=True)
class Reading:
    text: str  # the phrase exactly as given
    periods: tuple[Period, ...]  # in order of appearance
    recurrence: str | None  # None | "yearly" | "quarterly" | "monthly"
    ongoing: bool  # "thường xuyên", "kịp thời", "khi có yêu cầu": no date at all

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "periods": [
                {
                    "start": p.start.isoformat() if p.start else None,
                    "end": p.end.isoformat() if p.end else None,
                }
                for p in self.periods
            ],
            "recurrence": self.recurrence,
            "ongoing": self.ongoing,
        }


# Each entry: an example phrase, then " (" and a description. The example (text before
# the first " (") is itself readable; tests check it.
FORMS: tuple[str, ...] = (
    'ngày 30/9/2024 (một ngày; dấu "/", "-" hoặc "." đều được; không ghi năm thì lấy năm của kế hoạch: "ngày 30/9")',
    "ngày 22 tháng 5 năm 2024 (một ngày, viết đầy đủ)",
    'tháng 2/2024 (cả tháng; cũng viết "tháng 02/2024", "tháng 2 năm 2024", "vào tháng 10/2024", "trong tháng 11/2024")',
    'tháng 3/2024 và tháng 8/2024 (nhiều thời hạn, ngăn bởi "và", "hoặc", dấu phẩy hoặc dấu chấm phẩy)',
    'từ tháng 5 đến tháng 8/2024 (khoảng tháng; năm ghi một lần ở cuối áp dụng cho cả hai đầu; cũng viết "tháng 5-8/2024", "từ tháng 8 năm 2022 đến hết tháng 9 năm 2022")',
    'từ ngày 05/9 đến ngày 30/9/2024 (khoảng ngày; cũng viết "từ ngày 22 đến 28-12", "ngày 22-28/12/2024", '
    '"ngày 05/9 đến ngày 30/9/2024")',
    'từ tháng 6/2024 (từ đó trở đi, không có ngày kết thúc; cũng viết "từ ngày 05/9/2024")',
    'trước ngày 05/11/2024 (hạn cuối là ngày liền trước, 04/11/2024; cũng viết "trước tháng 9/2024")',
    'chậm nhất ngày 15/6/2024 (hạn cuối tính cả ngày đó; cũng viết "chậm nhất là ngày 15/6/2024", "hạn cuối ngày 15/6/2024", "hạn chót 15/6/2024", "đến hết ngày 15/6/2024", "đến hết tháng 6/2024")',
    'quý II-III/2024 (một quý hoặc nhiều quý liền nhau, số La Mã hoặc số thường; cũng viết "quý I/2025", "quý 2/2024", "quý II năm 2024")',
    "cuối tháng 12/2024 (đầu tháng: ngày 1–10; giữa tháng: ngày 11–20; cuối tháng: ngày 21 đến hết tháng)",
    '6 tháng đầu năm 2024 (01/01–30/6; "6 tháng cuối năm" là 01/7–31/12; không ghi năm thì lấy năm của kế hoạch)',
    'trong năm 2023 (cả năm; cũng viết "năm 2023"; "đến hết năm 2024" là hạn cuối 31/12/2024)',
    'học kỳ I năm học 2024-2025 (theo lịch năm học; cũng viết "năm học 2024-2025", "học kỳ II năm học 2024-2025")',
    'trước ngày 03/10 hằng năm (lặp lại mỗi năm; "trước ngày 20 hằng tháng" lặp lại mỗi tháng)',
    'định kỳ hằng quý (lặp lại, không có ngày cụ thể; cũng viết "hằng tháng", "hằng năm", "1-2 lần/quý")',
    'thường xuyên (công việc liên tục, không có ngày; cũng viết "kịp thời", "khi có yêu cầu")',
)


class PhraseError(ValueError):
    """Unreadable phrase. .phrase = the text, .message = Vietnamese message quoting it, .forms = FORMS."""

    def __init__(self, phrase: str, message: str | None = None):
        self.phrase = phrase
        self.message = message if message is not None else _generic_message(phrase)
        self.forms = FORMS
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _generic_message(phrase: str) -> str:
    return f'không hiểu thời hạn "{phrase.strip()}". Các cách viết được hiểu:\n' + "\n".join(
        "- " + f for f in FORMS
    )
