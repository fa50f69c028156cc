"""Read Vietnamese deadline phrases ("thời hạn") into dated periods.

Plans state time as prose ("tháng 3/2024 và tháng 8/2024", "trước ngày 05/11/2024",
"Quý II-III/2024", "thường xuyên" ...). The prose stays in the generated documents
exactly as written; this package turns one phrase into periods (inclusive first and
last day), a recurrence, or the "ongoing" marker, so that calendars and reminders
get real dates. A phrase that cannot be read raises `PhraseError`, which quotes the
phrase and lists the understood forms: never a silent guess.

Spec: docs "time-expressions" (shared domain notes). Pure stdlib, no I/O.

Implementation, one concern a module: the text is NFC-normalised and split into tokens
(numbers, words, single punctuation characters; `syntax`); a small recursive-descent
parser (`parser`) reads the tokens into points (day, month, quarter, half-year, year,
school year/term, ranges of these) wrapped by an operator (at / from / before / by),
then `read` turns them into dates (`model` holds the public types). `find` runs the
same parser at each token of a sentence in a "strict" mode that refuses forms too
ambiguous in running text (a bare "năm 2024", "thường xuyên", a bare "11-18"), and
skips dates of legal citations.
"""

from .model import FORMS, RECURRENCES, Period, PhraseError, Reading, SchoolCalendar

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .find import find_phrases
    from .read import read_phrase

__all__ = [
    "RECURRENCES",
    "Period",
    "SchoolCalendar",
    "Reading",
    "PhraseError",
    "FORMS",
    "read_phrase",
    "find_phrases",
]


def __getattr__(name: str):
    # The parser loads on first use of read_phrase / find_phrases: a module that needs only
    # the types (reminders import Period) pays for none of it, and importing the package
    # costs no more than the single module it was split from.
    if name == "read_phrase":
        from .read import read_phrase as value  # the parser: see above
    elif name == "find_phrases":
        from .find import find_phrases as value  # the parser: see above
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
