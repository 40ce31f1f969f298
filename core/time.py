"""Dates as the offices see them: whole days in Asia/Ho_Chi_Minh, whatever
time zone a request happens to activate."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def office_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def office_today() -> datetime.date:
    return timezone.localtime(timezone.now(), office_timezone()).date()


def office_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, office_timezone()).date()
