"""Tests for workflow.plan.timephrase: the spec table, every deadline phrase of seeds
001-003, error cases, and find_phrases on whole seed sentences."""

import ast
import dataclasses
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from workflow.plan import timephrase
from workflow.plan.timephrase import (
    FORMS,
    RECURRENCES,
    Period,
    PhraseError,
    Reading,
    SchoolCalendar,
    find_phrases,
    read_phrase,
)

PLAN_YEAR = 2024


def D(s):
    return None if s is None else date.fromisoformat(s)


def periods(*pairs):
    return tuple(Period(D(a), D(b)) for a, b in pairs)


# (phrase, expected periods as (start, end) ISO pairs, recurrence, ongoing) -- plan year 2024
SPEC_TABLE = [
    # --- one row per row of the spec table (shared/domain/time-expressions.md)
    ("tháng 2/2024", [("2024-02-01", "2024-02-29")], None, False),
    ("tháng 3/2024 và tháng 8/2024", [("2024-03-01", "2024-03-31"), ("2024-08-01", "2024-08-31")], None, False),
    ("từ tháng 5 đến tháng 8/2024", [("2024-05-01", "2024-08-31")], None, False),
    ("từ tháng 8 năm 2022 đến hết tháng 9 năm 2022", [("2022-08-01", "2022-09-30")], None, False),
    ("Từ ngày 05/9 đến ngày 30/9/2024", [("2024-09-05", "2024-09-30")], None, False),
    ("từ ngày 22 đến 28-12", [("2024-12-22", "2024-12-28")], None, False),
    ("từ ngày 22 đến 28.12", [("2024-12-22", "2024-12-28")], None, False),
    ("trước ngày 05/11/2024", [(None, "2024-11-04")], None, False),
    ("chậm nhất ngày 15/6/2009", [(None, "2009-06-15")], None, False),
    ("chậm nhất là ngày 15/6/2009", [(None, "2009-06-15")], None, False),
    ("hạn cuối ngày 15/6/2009", [(None, "2009-06-15")], None, False),
    ("hạn chót 15/6/2009", [(None, "2009-06-15")], None, False),
    ("hạn chót: ngày 15/6/2009", [(None, "2009-06-15")], None, False),
    ("trước tháng 9/2024", [(None, "2024-08-31")], None, False),
    ("Quý II-III/2024", [("2024-04-01", "2024-09-30")], None, False),
    ("quý 2-3/2024", [("2024-04-01", "2024-09-30")], None, False),
    ("Quý I/2025", [("2025-01-01", "2025-03-31")], None, False),
    ("quý IV/2024", [("2024-10-01", "2024-12-31")], None, False),
    ("đầu tháng 12/2024", [("2024-12-01", "2024-12-10")], None, False),
    ("giữa tháng 12/2024", [("2024-12-11", "2024-12-20")], None, False),
    ("cuối tháng 12/2024", [("2024-12-21", "2024-12-31")], None, False),
    ("cuối tháng 2/2023", [("2023-02-21", "2023-02-28")], None, False),
    ("6 tháng đầu năm", [("2024-01-01", "2024-06-30")], None, False),
    ("6 tháng cuối năm", [("2024-07-01", "2024-12-31")], None, False),
    ("trong năm 2023", [("2023-01-01", "2023-12-31")], None, False),
    ("từ tháng 6/2024", [("2024-06-01", None)], None, False),
    ("ngày 30/9/2024", [("2024-09-30", "2024-09-30")], None, False),
    ("trước ngày 03/10 hàng năm", [(None, "2024-10-02")], "yearly", False),
    ("trước ngày 03/10 hằng năm", [(None, "2024-10-02")], "yearly", False),
    ("hằng tháng", [], "monthly", False),
    ("hằng quý", [], "quarterly", False),
    ("định kỳ hằng quý", [], "quarterly", False),
    ("1-2 lần/quý", [], "quarterly", False),
    ("thường xuyên", [], None, True),
    ("kịp thời", [], None, True),
    ("khi có yêu cầu", [], None, True),
    # --- further forms required by the brief
    ("tháng 02/2024", [("2024-02-01", "2024-02-29")], None, False),
    ("tháng 2 năm 2024", [("2024-02-01", "2024-02-29")], None, False),
    ("vào tháng 10/2024", [("2024-10-01", "2024-10-31")], None, False),
    ("trong tháng 11/2024", [("2024-11-01", "2024-11-30")], None, False),
    ("tháng 3/2024, tháng 8/2024", [("2024-03-01", "2024-03-31"), ("2024-08-01", "2024-08-31")], None, False),
    ("tháng 3/2024; tháng 8/2024", [("2024-03-01", "2024-03-31"), ("2024-08-01", "2024-08-31")], None, False),
    ("tháng 3 và tháng 8/2025", [("2025-03-01", "2025-03-31"), ("2025-08-01", "2025-08-31")], None, False),
    (
        "tháng 2/2024, tháng 5/2024 và tháng 9/2024",
        [("2024-02-01", "2024-02-29"), ("2024-05-01", "2024-05-31"), ("2024-09-01", "2024-09-30")],
        None,
        False,
    ),
    ("từ tháng 5/2024 đến tháng 8/2024", [("2024-05-01", "2024-08-31")], None, False),
    ("tháng 5-8/2024", [("2024-05-01", "2024-08-31")], None, False),
    ("từ ngày 05/9/2024 đến ngày 30/9/2024", [("2024-09-05", "2024-09-30")], None, False),
    ("từ ngày 05/9/2023 đến ngày 30/9/2024", [("2023-09-05", "2024-09-30")], None, False),
    ("từ ngày 01/10 đến ngày 20/10/2024", [("2024-10-01", "2024-10-20")], None, False),
    ("từ ngày 15/8/2024 đến hết tháng 9/2024", [("2024-08-15", "2024-09-30")], None, False),
    ("ngày 22-28/12/2024", [("2024-12-22", "2024-12-28")], None, False),
    ("quý 2/2024", [("2024-04-01", "2024-06-30")], None, False),
    ("quý II năm 2024", [("2024-04-01", "2024-06-30")], None, False),
    ("quý III", [("2024-07-01", "2024-09-30")], None, False),
    ("quý II và quý III năm 2025", [("2025-04-01", "2025-06-30"), ("2025-07-01", "2025-09-30")], None, False),
    ("6 tháng đầu năm 2023", [("2023-01-01", "2023-06-30")], None, False),
    ("6 tháng cuối năm 2023", [("2023-07-01", "2023-12-31")], None, False),
    ("năm 2023", [("2023-01-01", "2023-12-31")], None, False),
    ("đến hết năm 2024", [(None, "2024-12-31")], None, False),
    ("từ tháng 02/2024", [("2024-02-01", None)], None, False),
    ("từ ngày 05/9/2024", [("2024-09-05", None)], None, False),
    ("kể từ ngày 05/9", [("2024-09-05", None)], None, False),
    ("ngày 30/9", [("2024-09-30", "2024-09-30")], None, False),
    ("30/9/2024", [("2024-09-30", "2024-09-30")], None, False),
    ("ngày 22 tháng 5 năm 2024", [("2024-05-22", "2024-05-22")], None, False),
    ("ngày 29/02/2024", [("2024-02-29", "2024-02-29")], None, False),
    ("đến hết ngày 30/9/2024", [(None, "2024-09-30")], None, False),
    ("đến ngày 30/9/2024", [(None, "2024-09-30")], None, False),
    ("từ nay đến hết tháng 9/2024", [(None, "2024-09-30")], None, False),
    ("trong thời gian từ ngày 05/9 đến ngày 30/9/2024", [("2024-09-05", "2024-09-30")], None, False),
    ("trước ngày 20 hằng tháng", [(None, "2024-01-19")], "monthly", False),
    ("hàng tháng", [], "monthly", False),
    ("định kỳ hằng tháng", [], "monthly", False),
    ("hàng quý", [], "quarterly", False),
    ("định kỳ hàng quý", [], "quarterly", False),
    ("hằng năm", [], "yearly", False),
    ("hàng năm", [], "yearly", False),
    ("định kỳ hằng năm", [], "yearly", False),
    ("01 lần/năm", [], "yearly", False),
    ("2 lần/tháng", [], "monthly", False),
    ("thường xuyên, kịp thời", [], None, True),
    ("thường xuyên và khi có yêu cầu", [], None, True),
    ("định kỳ hằng quý và khi có yêu cầu", [], "quarterly", True),
    ("năm học 2024-2025", [("2024-09-01", "2025-05-31")], None, False),
    ("học kỳ I năm học 2024-2025", [("2024-09-01", "2025-01-15")], None, False),
    ("học kỳ II năm học 2024-2025", [("2025-01-16", "2025-05-31")], None, False),
    ("học kì 2 năm học 2024-2025", [("2025-01-16", "2025-05-31")], None, False),
    ("trong năm học 2024-2025", [("2024-09-01", "2025-05-31")], None, False),
    # --- tolerance: case, spaces, separators, leading zeros, punctuation, parentheses
    ("TỪ   THÁNG 6/2024", [("2024-06-01", None)], None, False),
    ("tháng  2 / 2024", [("2024-02-01", "2024-02-29")], None, False),
    ("tháng 2-2024", [("2024-02-01", "2024-02-29")], None, False),
    ("tháng 2.2024", [("2024-02-01", "2024-02-29")], None, False),
    ("ngày 05-9-2024", [("2024-09-05", "2024-09-05")], None, False),
    ("ngày 05.09.2024", [("2024-09-05", "2024-09-05")], None, False),
    ("ngày 07 /02/2024", [("2024-02-07", "2024-02-07")], None, False),
    ("(tháng 2/2024).", [("2024-02-01", "2024-02-29")], None, False),
    ("(Từ ngày 05/9 đến ngày 30/9/2024).", [("2024-09-05", "2024-09-30")], None, False),
    ("  - tháng 2/2024;  ", [("2024-02-01", "2024-02-29")], None, False),
    ("“tháng 2/2024”", [("2024-02-01", "2024-02-29")], None, False),
    ("từ\n\ntháng 6/2024", [("2024-06-01", None)], None, False),
    ("Quý\u00a0II\u2013III/2024", [("2024-04-01", "2024-09-30")], None, False),
    ("Thường Xuyên", [], None, True),
]

# Every deadline phrase of the seeds, as written there (plan year 2024).
SEED_PHRASES = [
    # 001 (Ba Đình, PCGD-XMC 2024)
    ("tháng 2/2024", [("2024-02-01", "2024-02-29")], None, False),
    ("tháng 3/2024", [("2024-03-01", "2024-03-31")], None, False),
    ("tháng 3/2024 và tháng 8/2024", [("2024-03-01", "2024-03-31"), ("2024-08-01", "2024-08-31")], None, False),
    ("từ tháng 5 đến tháng 8/2024", [("2024-05-01", "2024-08-31")], None, False),
    ("Quý II-III/2024", [("2024-04-01", "2024-09-30")], None, False),
    ("trước tháng 9/2024", [(None, "2024-08-31")], None, False),
    ("Từ ngày 05/9 đến ngày 30/9/2024", [("2024-09-05", "2024-09-30")], None, False),
    ("tháng 10/2024", [("2024-10-01", "2024-10-31")], None, False),
    ("tháng 11/2024", [("2024-11-01", "2024-11-30")], None, False),
    ("trước ngày 05/11/2024", [(None, "2024-11-04")], None, False),
    ("cuối tháng 12/2024", [("2024-12-21", "2024-12-31")], None, False),
    ("từ\n\ntháng 6/2024", [("2024-06-01", None)], None, False),
    ("từ tháng 6/2024", [("2024-06-01", None)], None, False),
    ("vào tháng 10/2024", [("2024-10-01", "2024-10-31")], None, False),
    ("vào tháng 11/2024", [("2024-11-01", "2024-11-30")], None, False),
    ("từ tháng 5/2024 đến tháng 8/2024", [("2024-05-01", "2024-08-31")], None, False),
    ("từ ngày 05/9/2024 đến ngày 30/9/2024", [("2024-09-05", "2024-09-30")], None, False),
    ("từ tháng 02/2024", [("2024-02-01", None)], None, False),
    ("từ ngày 01/9 đến ngày 30/9/2024", [("2024-09-01", "2024-09-30")], None, False),
    ("từ tháng 7/2024", [("2024-07-01", None)], None, False),
    ("từ 1-2 lần/quý", [], "quarterly", False),
    ("từ ngày 01/10 đến ngày 20/10/2024", [("2024-10-01", "2024-10-20")], None, False),
    ("tháng 02/2024", [("2024-02-01", "2024-02-29")], None, False),
    ("trong năm 2023", [("2023-01-01", "2023-12-31")], None, False),
    ("đến hết năm 2024", [(None, "2024-12-31")], None, False),
    ("thường xuyên", [], None, True),
    ("kịp thời", [], None, True),
    # 002 (Cát Hải)
    ("trước ngày 03/10 hàng năm", [(None, "2024-10-02")], "yearly", False),
    ("Đến năm 2025", [(None, "2025-12-31")], None, False),
    ("Đến năm 2030", [(None, "2030-12-31")], None, False),
    # 003 (Kon Rẫy): only ongoing words ("kịp thời"); "định kỳ" alone is an error, tested below
    ("Kịp thời", [], None, True),
]


def _check(text, exp_periods, exp_rec, exp_ongoing, year=PLAN_YEAR):
    r = read_phrase(text, year=year)
    assert r.text == text
    assert r.periods == periods(*exp_periods)
    assert r.recurrence == exp_rec
    assert r.ongoing is exp_ongoing


@pytest.mark.parametrize("text,exp_periods,exp_rec,exp_ongoing", SPEC_TABLE, ids=[r[0] for r in SPEC_TABLE])
def test_spec_table(text, exp_periods, exp_rec, exp_ongoing):
    _check(text, exp_periods, exp_rec, exp_ongoing)


@pytest.mark.parametrize("text,exp_periods,exp_rec,exp_ongoing", SEED_PHRASES, ids=[r[0] for r in SEED_PHRASES])
def test_seed_phrases(text, exp_periods, exp_rec, exp_ongoing):
    _check(text, exp_periods, exp_rec, exp_ongoing)


@pytest.mark.parametrize(
    "text,year,expected",
    [
        ("từ ngày 22 đến 28-12", 2025, [("2025-12-22", "2025-12-28")]),
        ("6 tháng đầu năm", 2023, [("2023-01-01", "2023-06-30")]),
        ("6 tháng cuối năm", 2026, [("2026-07-01", "2026-12-31")]),
        ("trước ngày 03/10 hàng năm", 2026, [(None, "2026-10-02")]),
        ("tháng 2", 2023, [("2023-02-01", "2023-02-28")]),
        ("tháng 2", 2024, [("2024-02-01", "2024-02-29")]),
        ("Từ ngày 05/9 đến ngày 30/9/2024", 2030, [("2024-09-05", "2024-09-30")]),
        ("từ tháng 5/2023 đến tháng 8", 2030, [("2023-05-01", "2023-08-31")]),
        ("quý I", 2025, [("2025-01-01", "2025-03-31")]),
    ],
)
def test_missing_year_comes_from_plan_year_or_the_other_end(text, year, expected):
    assert read_phrase(text, year=year).periods == periods(*expected)


def test_school_calendar_from_configuration():
    cal = SchoolCalendar(year_start=(8, 15), year_end=(5, 25), term1_end=(1, 10))
    r = read_phrase("năm học 2024-2025", year=2024, school=cal)
    assert r.periods == periods(("2024-08-15", "2025-05-25"))
    r = read_phrase("học kỳ I năm học 2024-2025", year=2024, school=cal)
    assert r.periods == periods(("2024-08-15", "2025-01-10"))
    r = read_phrase("học kỳ II năm học 2024-2025", year=2024, school=cal)
    assert r.periods == periods(("2025-01-11", "2025-05-25"))


def test_school_calendar_defaults():
    cal = SchoolCalendar()
    assert (cal.year_start, cal.year_end, cal.term1_end) == ((9, 1), (5, 31), (1, 15))


# --------------------------------------------------------------------------- errors


def _error(text, year=PLAN_YEAR):
    with pytest.raises(PhraseError) as ei:
        read_phrase(text, year=year)
    e = ei.value
    assert e.phrase == text
    assert e.forms == FORMS
    assert str(e) == e.message
    assert isinstance(e, ValueError)
    return e


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("ngày 31/2/2024", "31/02/2024 không tồn tại"),
        ("ngày 31/4", "31/04/2024 không tồn tại"),
        ("tháng 13/2024", "tháng 13 không hợp lệ"),
        ("tháng 0/2024", "tháng 0 không hợp lệ"),
        ("ngày 15/13/2024", "tháng 13 không hợp lệ"),
        ("ngày 29/2/2023", "2023 không phải năm nhuận"),
        ("ngày 0/5/2024", "00/05/2024 không tồn tại"),
        ("từ ngày 30/9/2024 đến ngày 05/9/2024", "ngày kết thúc trước ngày bắt đầu"),
        ("từ tháng 8 đến tháng 5/2024", "ngày kết thúc trước ngày bắt đầu"),
        ("Quý III-II/2024", "ngày kết thúc trước ngày bắt đầu"),
        ("quý 5/2024", "quý 5 không hợp lệ"),
        ("định kỳ", "định kỳ"),
        ("học kỳ I", "năm học"),
        ("năm học 2024-2026", "năm học 2024-2026 không hợp lệ"),
        ("ngày 22", "thiếu tháng"),
        ("ngày 20/3 hằng tháng", "hằng tháng"),
        ("tháng 3/2024 và trước ngày 03/10 hằng năm", "không lặp lại"),
        ("hằng tháng, hằng quý", "nhiều tần suất"),
    ],
)
def test_specific_errors(text, fragment):
    e = _error(text)
    assert fragment in e.message
    assert f'"{text}"' in e.message  # the message quotes the phrase


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "sớm nhất có thể",
        "(01 lần)",
        "11-18 tuổi",
        "15-21 tuổi",
        "từ năm 2020-2030",
        "giai đoạn 1 (2020-2025)",
        "Nghị định 20/2014/NĐ-CP",
        "tháng 2/24",
        "hằng tuần",
        "tháng 2/2024 xyz",
        "cuối năm",
        "ngày 24/3/2014 của Chính phủ",
    ],
)
def test_unreadable_phrase_message_quotes_and_lists_forms(text):
    e = _error(text)
    assert e.message.startswith(f'không hiểu thời hạn "{text.strip()}"')
    for form in FORMS:
        assert form in e.message


def test_year_must_be_an_int():
    with pytest.raises(TypeError):
        read_phrase("tháng 2", year="2024")


@pytest.mark.parametrize("text", ["ngày ²/9/2024", "tháng ³/2024", "① tháng 3/2024"])
def test_digits_that_are_not_decimal_are_unreadable_not_a_crash(text):
    # "²", "①" are digits to str.isdigit() but not to int(): a PhraseError, not int()'s ValueError
    _error(text)


@pytest.mark.parametrize("text", ["trước ngày 01/01/0001", "trước năm 0001", "từ năm 0001 đến trước ngày 01/01/0001"])
def test_no_day_before_the_first_date(text):
    assert "không có ngày nào trước ngày 01/01/0001" in _error(text).message


# --------------------------------------------------------------------------- API shape


def test_reading_to_json():
    r = read_phrase("tháng 3/2024 và từ ngày 05/9/2024", year=2024)
    assert r.to_json() == {
        "text": "tháng 3/2024 và từ ngày 05/9/2024",
        "periods": [
            {"start": "2024-03-01", "end": "2024-03-31"},
            {"start": "2024-09-05", "end": None},
        ],
        "recurrence": None,
        "ongoing": False,
    }
    r = read_phrase("trước ngày 03/10 hàng năm", year=2024)
    assert r.to_json() == {
        "text": "trước ngày 03/10 hàng năm",
        "periods": [{"start": None, "end": "2024-10-02"}],
        "recurrence": "yearly",
        "ongoing": False,
    }
    assert read_phrase("thường xuyên", year=2024).to_json() == {
        "text": "thường xuyên",
        "periods": [],
        "recurrence": None,
        "ongoing": True,
    }


def test_dataclasses_are_frozen_and_hashable():
    r = read_phrase("tháng 2/2024", year=2024)
    assert isinstance(r, Reading)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.text = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.periods[0].end = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        SchoolCalendar().year_start = (8, 1)
    assert {r} == {read_phrase("tháng 2/2024", year=2024)}
    assert isinstance(r.periods, tuple)


def test_recurrences_constant():
    assert RECURRENCES == ("yearly", "quarterly", "monthly")


def test_nfd_input_reads_like_nfc():
    text = unicodedata.normalize("NFD", "trước ngày 03/10 hằng năm")
    r = read_phrase(text, year=2024)
    assert r.text == text
    assert r.periods == periods((None, "2024-10-02"))
    assert r.recurrence == "yearly"


def test_forms_are_vietnamese_one_liners_with_readable_examples():
    assert len(FORMS) >= 15
    for form in FORMS:
        assert "\n" not in form
        example = form.split(" (", 1)[0]
        read_phrase(example, year=2024)  # the leading example is itself readable
        # every quoted variant with a digit in it is readable too
        for variant in re.findall(r'"([^"]+)"', form):
            if any(c.isdigit() for c in variant) and "…" not in variant:
                read_phrase(variant, year=2024)


def test_forms_cover_the_spec_forms():
    joined = "\n".join(FORMS)
    for needle in [
        "tháng 2/2024",
        "tháng 3/2024 và tháng 8/2024",
        "từ tháng 5 đến tháng 8/2024",
        "từ ngày 05/9 đến ngày 30/9/2024",
        "trước ngày 05/11/2024",
        "chậm nhất",
        "hạn cuối",
        "quý II-III/2024",
        "cuối tháng 12/2024",
        "6 tháng đầu năm",
        "trong năm 2023",
        "từ tháng 6/2024",
        "ngày 30/9/2024",
        "hằng năm",
        "hằng tháng",
        "1-2 lần/quý",
        "thường xuyên",
        "kịp thời",
        "khi có yêu cầu",
        "năm học 2024-2025",
        "học kỳ II",
    ]:
        assert needle in joined, needle


def test_module_uses_stdlib_only():
    # Every module of the package: the standard library, or a sibling module of the
    # package itself ("from .syntax import ..."), never the rest of kehoach.
    files = sorted(Path(timephrase.__file__).parent.glob("*.py"))
    assert len(files) > 1
    allowed = {"__future__", "re", "unicodedata", "dataclasses", "datetime", "functools"}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    assert node.level == 1, f"{path.name}: imports from outside the package"
                    continue
                names = [node.module.split(".")[0]]
            else:
                continue
            assert set(names) <= allowed, (path.name, names)


def test_package_exports_the_same_api():
    assert sorted(timephrase.__all__) == sorted(
        ["RECURRENCES", "Period", "SchoolCalendar", "Reading", "PhraseError", "FORMS"]
        + ["read_phrase", "find_phrases"]
    )
    for name in timephrase.__all__:
        assert hasattr(timephrase, name), name


# --------------------------------------------------------------------------- find_phrases


@pytest.mark.parametrize(
    "sentence",
    [
        "Tổ chức điều tra bổ sung đối tượng 11-18 tuổi",
        "đối tượng 15-21 tuổi",
        "độ tuổi từ 15-21, duy trì vững chắc kết quả PCGD, XMC năm 2023.",
        "Nhập dữ liệu (01 lần) vào phần mềm hệ thống của Bộ",
        "(01 lần)",
        "đáp ứng mục tiêu của Chương trình giáo dục phổ thông năm 2018.",
        "Thực hiện hiệu quả Chương trình giáo dục phổ thông 2018.",
        "Nghị định 20/2014/NĐ-CP",
        "ngày 24/3/2014 của Chính phủ",
        "Căn cứ Nghị định số 20/2014/NĐ-CP ngày 24/3/2014 của Chính phủ quy định về phổ cập giáo dục (PCGD), "
        "xóa mù chữ (XMC); Thông tư số 07/2016/TT-BGDĐT ngày 22/3/2016 của Bộ Giáo dục và Đào tạo (GDĐT) "
        "quy định về điều kiện bảo đảm và nội dung, quy trình, thủ tục kiểm tra công nhận PCGD, XMC;",
        "Thực hiện Kế hoạch số 418 /KH-SGDĐT ngày 07 /02/2024 của Sở GDĐT Hà Nội về công tác phổ cập "
        "giáo dục mầm non cho trẻ 5 tuổi năm 2024;",
        "công văn số 3297/SGDĐT-TCCB ngày 06/10/2020 của Sở GDĐT về thực hiện lộ trình nâng chuẩn trình độ "
        "đào tạo của giáo viên MN, TH, THCS giai đoạn 1 (2020-2025);",
        "giai đoạn 1 (2020-2025)",
        "Xây dựng kế hoạch để thực hiện có hiệu quả công tác PCGD, XMC từ việc xác định mục tiêu theo lộ "
        "trình từ năm 2020-2030.",
        "từ năm 2020-2030",
        "Ba Đình, ngày tháng 02 năm 2024",
        "Cát Hải, ngày tháng 10 năm 2024",
        "Tỉ lệ trẻ em mầm non được học 2 buổi/ngày",
        "- Tiếp tục tổ chức tập huấn định kỳ, quán triệt về Thông tư số 07/2016/TT-BGDĐT ngày 22/3/2016 "
        "của Bộ GDĐT",
        "Tăng cường thanh tra ... theo tinh thần Thông tư liên tịch số 13/2016/TTLT-BGDĐT-BYT ngày 12/5/2016 "
        "về đánh giá công tác Y tế trường học",
        # 002
        "V/v thực hiện Chương trình hành động số 21-CTr/HU ngày 26/6/2024 của Ban Thường vụ Huyện ủy thực "
        "hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương khóa XIII",
        "(Kèm theo Công văn số                      /PGDDĐT ngày            /10/2024 của Phòng Giáo dục và Đào tạo)",
        # 003
        "Thực hiện Kế hoạch số 184-KH/HU ngày 22 tháng 5 năm 2024 của Ban Thường vụ Huyện ủy thực hiện "
        "Triển khai Kế hoạch số 142-KH/TU ngày 24 tháng 4 năm 2024 của Ban Thường vụ Tỉnh ủy thực hiện "
        "Chỉ thị số 29-CT/TW, ngày 05-01-2024 của Bộ Chính trị “về công tác phổ cập giáo dục”.",
        "V/v triển khai thực hiện\nKế hoạch 184-KH/HU ngày 22\ntháng 5 năm 2024 của Ban\nThường vụ Huyện ủy",
        "- Triển khai có hiệu quả Kế hoạch số 139/KH-HU ngày 25/08/2023 của Ban thường vụ Huyện ủy thực hiện "
        "Kế hoạch số 105-KH/TU ngày 11-7-2023 của Ban Thường vụ Tỉnh ủy “về thực hiện Chỉ thị số 21-CT/TW "
        "ngày 04-5-2023 của Ban Bí thư Trung ương Đảng “về tiếp tục đổi mới, phát triển và nâng cao chất "
        "lượng giáo dục nghề nghiệp đến năm 2030, tầm nhìn đến năm 2045”.",
        "quan theo dõi, đôn đốc việc thực hiện; định kỳ tổng hợp, tham mưu Ủy ban nhân dân huyện báo cáo; "
        "kịp thời chỉ đạo, xử lý các vấn đề vướng mắc, phát sinh (nếu có).",
        "Chi theo nguồn chương trình mục tiêu Quốc gia và nguồn chi thường xuyên cho giáo dục của UBND quận.",
        "tạo điều kiện cho học sinh lựa chọn chương trình giáo dục phù hợp để có thể học thường xuyên, học suốt đời.",
        "Duy trì và nâng cao các tiêu chí đã đạt được về PCGD, XMC năm 2023.",
        "hoàn thành phổ cập giáo dục mầm non cho trẻ từ 3 đến 5 tuổi.",
        "huy động trẻ em từ 5-6 tuổi ra lớp",
        "kiểm tra từ 2-3 lần, đánh giá",
    ],
)
def test_find_phrases_ignores_numbers_that_are_not_deadlines(sentence):
    assert find_phrases(sentence) == []


# Whole sentences of seed 001 (and 002) with exactly the phrases expected in them.
SEED_SENTENCES = [
    (
        "- Nhập dữ liệu (01 lần) vào phần mềm hệ thống của Bộ (Từ ngày 05/9 đến ngày 30/9/2024).",
        ["Từ ngày 05/9 đến ngày 30/9/2024"],
    ),
    (
        "Nhập dữ liệu (01 lần) vào phần mềm (Từ ngày 05/9 đến ngày 30/9/2024).",
        ["Từ ngày 05/9 đến ngày 30/9/2024"],
    ),
    (
        "- Xây dựng dự thảo kế hoạch và tham mưu với UBND quận ban hành kế hoạch về công tác phổ cập giáo "
        "dục mầm non cho trẻ 5 tuổi, phổ cập giáo dục tiểu học, phổ cập giáo dục trung học cơ sở và xóa mù "
        "chữ năm 2024 (tháng 2/2024).",
        ["tháng 2/2024"],
    ),
    (
        "- Tiếp tục triển khai tập huấn, bồi dưỡng nghiệp vụ phổ cập và hướng dẫn phần mềm cho cán bộ, giáo "
        "viên cốt cán các đơn vị theo kế hoạch xây dựng công tác PCGD, XMC năm 2024 (tháng 3/2024 và tháng 8/2024).",
        ["tháng 3/2024 và tháng 8/2024"],
    ),
    (
        "- Chỉ đạo các nhà trường điều tra số trẻ trong độ tuổi theo quy định để thực hiện tốt công tác "
        "PCGD, XMC (từ tháng 5 đến tháng 8/2024).",
        ["từ tháng 5 đến tháng 8/2024"],
    ),
    (
        "- Xây dựng kế hoạch kiểm tra và tổ chức kiểm tra; thường xuyên, đôn đốc các phường rà soát, hoàn "
        "chỉnh số liệu PCGD, XMC năm 2024 các cấp học (Quý II-III/2024); hoàn chỉnh số liệu PCGD, XMC "
        "(trước tháng 9/2024).",
        ["Quý II-III/2024", "trước tháng 9/2024"],
    ),
    (
        "- Thời gian triển khai công tác điều tra phổ cập, xoá mù chữ: Tự đánh giá từ\n\ntháng 6/2024; tập "
        "hợp số liệu tại cơ sở đề nghị Ban chỉ đạo PCGD, XMC quận kiểm tra, công nhận vào tháng 10/2024; đề "
        "nghị cấp Thành phố kiểm tra, công nhận vào tháng 11/2024.",
        ["từ\n\ntháng 6/2024", "vào tháng 10/2024", "vào tháng 11/2024"],
    ),
    (
        "- Tập hợp dữ liệu, thống kê báo cáo kết quả cuối năm, hoàn thiện hồ sơ đạt chuẩn XMC, PCGD MN cho "
        "trẻ, 5 tuổi, PCGD TH, PCGD THCS theo đúng quy định của Bộ GDĐT và hướng dẫn của Sở GDĐT (tháng "
        "11/2024) Đề nghị Đoàn kiểm tra Thành phố về kiểm tra thẩm định (trước ngày 05/11/2024). Tổ chức đón "
        "kiểm tra theo Quyết định của Sở GDĐT ban hành (tháng 11/2024).",
        ["tháng 11/2024", "trước ngày 05/11/2024", "tháng 11/2024"],
    ),
    (
        "- Xét thi đua khen thưởng về phổ cập giáo dục, xoá mù chữ năm 2024 (cuối tháng 12/2024).",
        ["cuối tháng 12/2024"],
    ),
    (
        "- Thời gian triển khai công tác điều tra phổ cập, tự đánh giá tại các phường từ tháng 5/2024 đến "
        "tháng 8/2024; cập nhật số liệu XMC, PCGD trên phần mềm từ ngày 05/9/2024 đến ngày 30/9/2024; tổng "
        "hợp kết quả, hoàn thiện hồ sơ báo cáo Ban Chỉ đạo quận và đề nghị BCD quận kiểm tra công nhận vào "
        "tháng 10/2024.",
        ["từ tháng 5/2024 đến tháng 8/2024", "từ ngày 05/9/2024 đến ngày 30/9/2024", "vào tháng 10/2024"],
    ),
    (
        "- Phối hợp xây dựng kế hoạch cụ thể về công tác PCGD, XMC mầm non cho trẻ 5 tuổi, PCGD tiểu học "
        "đúng độ tuổi năm 2024 (từ tháng 02/2024). Tham mưu tích cực, hiệu quả với UBND phường về công tác "
        "PCGD, XMC năm 2024.",
        ["từ tháng 02/2024"],
    ),
    (
        "- Tham mưu với UBND phường tự kiểm tra, đánh giá thường xuyên; bổ sung, cập nhật các thông tin, duy "
        "trì và nâng cao chất lượng PCGD, XMC và đề nghị UBND quận kiểm tra thẩm định, công nhận đạt chuẩn "
        "PCGD, XMC năm 2024 (từ ngày 01/9 đến ngày 30/9/2024)",
        ["từ ngày 01/9 đến ngày 30/9/2024"],
    ),
    (
        "- Tổ chức điều tra bổ sung đối tượng 11-18 tuổi (từ tháng 6/2024 đối với Trung học cơ sở) và đối "
        "tượng 15-21 tuổi (từ tháng 7/2024 đối với Trung học phổ thông).",
        ["từ tháng 6/2024", "từ tháng 7/2024"],
    ),
    (
        "- Phối kết hợp cùng các trường trung học phổ thông, Trung tâm GDNN-GDTX, các trường Trung cấp "
        "chuyên nghiệp và dạy nghề trên địa bàn quận để tập hợp số liệu, lập báo cáo theo các mẫu biểu quy "
        "định. Tự kiểm tra, đánh giá PCGD, XMC năm 2024 (từ 1-2 lần/quý).",
        ["từ 1-2 lần/quý"],
    ),
    (
        "- Đề nghị cấp quận kiểm tra thẩm định đạt chuẩn PCGD THCS năm 2024 (từ ngày 01/10 đến ngày 20/10/2024).",
        ["từ ngày 01/10 đến ngày 20/10/2024"],
    ),
    (
        "- Phối hợp xây dựng kế hoạch và kiện và kiện toàn Ban chỉ đạo PCGD, XMC năm 2024 cấp phường về "
        "công tác PCGD, XMC Trung học cơ sở năm 2024 (tháng 02/2024).",
        ["tháng 02/2024"],
    ),
    (
        "Phối hợp với ngành Giáo dục Đào tạo thực hiện nghiêm túc Kế hoạch số 681/KH-BGDĐT ngày 28/8/2020 "
        "của Bộ GDĐT; công văn số 3297/SGDĐT-TCCB ngày 06/10/2020 của Sở GDĐT về thực hiện lộ trình nâng "
        "chuẩn trình độ đào tạo của giáo viên MN, TH, THCS giai đoạn 1 (2020-2025); tham mưu UBND quận ban "
        "hành kế hoạch nâng chuẩn trình độ đào tạo của giáo viên MN, TH, THCS, phấn đấu đến hết năm 2024, "
        "100% giáo viên trên địa bàn quận đạt chuẩn trình độ theo Luật Giáo dục năm 2019.",
        ["đến hết năm 2024"],
    ),
    (
        "- Chỉ đạo các phường có các biện pháp tích cực để khắc phục những tồn tại trong năm 2023.",
        ["trong năm 2023"],
    ),
    # 002
    (
        "Báo cáo kết quả thực hiện về Phòng Giáo dục và Đào tạo (người nhận: đồng chí Đoàn Ánh Tuyết, chuyên "
        "viên) trước ngày 03/10 hàng năm để tổng hợp, báo cáo Ủy ban nhân dân huyện (qua Phòng Nội vụ, Lao "
        "động - Thương binh và Xã hội) theo quy định.",
        ["trước ngày 03/10 hàng năm"],
    ),
    # whole cells / parentheses read leniently
    ("Thường xuyên", ["Thường xuyên"]),
    ("  (thường xuyên, kịp thời).", ["thường xuyên, kịp thời"]),
    ("Báo cáo kết quả (năm 2024).", ["năm 2024"]),
    ("Rà soát hồ sơ (thường xuyên); báo cáo đột xuất khi có yêu cầu.", ["thường xuyên", "khi có yêu cầu"]),
    ("Tổng hợp, báo cáo định kỳ hằng quý.", ["định kỳ hằng quý"]),
    ("Tổ chức kiểm tra trong học kỳ II năm học 2024-2025.", ["trong học kỳ II năm học 2024-2025"]),
]


@pytest.mark.parametrize("sentence,expected", SEED_SENTENCES, ids=[s[:40] for s, _ in SEED_SENTENCES])
def test_find_phrases_in_seed_sentences(sentence, expected):
    found = find_phrases(sentence)
    assert [t for _, _, t in found] == expected
    for start, end, text in found:
        assert sentence[start:end] == text
        read_phrase(text, year=2024)  # every reported phrase is readable


def test_find_phrases_offsets_point_into_the_sentence():
    s = "Nhập dữ liệu (01 lần) vào phần mềm (Từ ngày 05/9 đến ngày 30/9/2024)."
    start = s.index("Từ ngày")
    assert find_phrases(s) == [(start, start + len("Từ ngày 05/9 đến ngày 30/9/2024"), "Từ ngày 05/9 đến ngày 30/9/2024")]


def test_find_phrases_whole_sentence_keeps_original_text():
    s = "(tháng 2/2024)."
    assert find_phrases(s) == [(1, 13, "tháng 2/2024")]


def test_find_phrases_on_nfd_text_maps_offsets_back():
    s = unicodedata.normalize("NFD", "Hoàn thành hồ sơ (trước ngày 05/11/2024) và báo cáo vào tháng 12/2024.")
    found = find_phrases(s)
    assert [unicodedata.normalize("NFC", t) for _, _, t in found] == ["trước ngày 05/11/2024", "vào tháng 12/2024"]
    for start, end, text in found:
        assert s[start:end] == text


def test_find_phrases_skips_unreadable_candidates():
    assert find_phrases("Báo cáo (tháng 13/2024) và (ngày 31/2/2024).") == []
    assert [t for *_, t in find_phrases("Báo cáo ngày 31/2/2024, nộp vào tháng 3/2024.")] == ["vào tháng 3/2024"]


def test_find_phrases_survives_odd_digits_and_dates():
    s = "① Tổ chức tập huấn (tháng 3/2024), phòng 50 m ², nộp trước năm 0001."
    assert [t for *_, t in find_phrases(s)] == ["tháng 3/2024"]


def test_find_phrases_empty():
    assert find_phrases("") == []
    assert find_phrases("Không có thời hạn nào ở đây.") == []


@pytest.mark.parametrize("phrase,start,end", [
    ("tháng 6 đến tháng 8/2025", date(2025, 6, 1), date(2025, 8, 31)),
    ("ngày 05/9 đến ngày 30/9/2025", date(2025, 9, 5), date(2025, 9, 30)),
    ("tháng 6 đến hết tháng 8/2025", date(2025, 6, 1), date(2025, 8, 31)),
    ("ngày 01/10 tới ngày 20/10/2024", date(2024, 10, 1), date(2024, 10, 20)),
])
def test_range_written_without_tu(phrase, start, end):
    r = read_phrase(phrase, year=2025)
    assert r.periods == (Period(start, end),)


def test_range_without_tu_found_in_a_sentence():
    s = "Điều tra bổ sung (tháng 6 đến tháng 8/2025) tại các phường."
    assert [p for _, _, p in find_phrases(s)] == ["tháng 6 đến tháng 8/2025"]
