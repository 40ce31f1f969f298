"""Dates and months as Vietnamese documents write them.

Days come first: "27/02/2023", "04-6-2021", "15.3.2024", "01 tháng 12 năm 2023"; months as
"10/2023" or "10 năm 2023". Inside a body the year is often left out ("trước ngày 15/3"):
it is then the first such day on or after the date of issue, when that is known.
"""

import calendar
import datetime
import re

# A day: "27/02/2023", "04-6-2021", "15.3.2024", "15/3/24", "15/3" (no year), or
# "01 tháng 12 năm 2023", "01 tháng 12" (no year). Used inside larger patterns.
DAY_TEXT = (
    r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*(?:\d{4}|\d{2})(?!\d))?(?!\d)"
    r"|\d{1,2}\s+tháng\s+\d{1,2}(?:\s*(?:,\s*)?năm\s+\d{4})?(?!\d)"
)
# A month: "10/2023", "10-2023", "10 năm 2023", "10" (no year).
MONTH_TEXT = r"\d{1,2}(?:\s*[/.-]\s*\d{4}|\s*(?:,\s*)?năm\s+\d{4})?(?!\d)"

_NUMBERS = re.compile(r"\d+")
# Years an official document of this registry can be about; others are misreadings, and the
# day before 01/01/0001 would not even exist.
YEARS = range(1900, 2201)


class DateProblem(ValueError):
    """A date that cannot be told: str(err) says why, for a warning."""


def _issue_date(text: str, issued_on: datetime.date | None) -> datetime.date:
    """The date of issue that a date without a year is read against."""
    if issued_on is None:
        raise DateProblem(f"“{text}” gives no year and the date of issue is unknown")
    return issued_on


def make_date(year: int, month: int, day: int, text: str) -> datetime.date:
    """The date, or DateProblem quoting ``text`` when there is no such day in YEARS."""
    try:
        if year in YEARS:
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise DateProblem(f"“{text}” is not a valid date")


def has_year(day_text: str) -> bool:
    """Whether a DAY_TEXT match writes its year."""
    return len(_NUMBERS.findall(day_text)) > 2


def read_day(text: str, issued_on: datetime.date | None = None) -> datetime.date:
    """The date a DAY_TEXT match stands for; DateProblem when it is not a real day."""
    written = _NUMBERS.findall(text)
    day, month = int(written[0]), int(written[1])
    if len(written) > 2:
        year = int(written[2]) + (2000 if len(written[2]) == 2 else 0)  # "15/3/24" is 2024
    else:
        issued = _issue_date(text, issued_on)
        year = issued.year if (month, day) >= (issued.month, issued.day) else issued.year + 1
    return make_date(year, month, day, text)


def month_end(text: str, issued_on: datetime.date | None = None) -> datetime.date:
    """The last day of the month a MONTH_TEXT match stands for ("2/2024" → 2024-02-29)."""
    numbers = [int(number) for number in _NUMBERS.findall(text)]
    month = numbers[0]
    if not 1 <= month <= 12:
        raise DateProblem(f"“{text}” is not a valid month")
    if len(numbers) > 1:
        year = numbers[1]
    else:
        issued = _issue_date(text, issued_on)
        year = issued.year if month >= issued.month else issued.year + 1
    if year not in YEARS:
        raise DateProblem(f"“{text}” is not a valid month")
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
