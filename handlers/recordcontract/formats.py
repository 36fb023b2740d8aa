"""The `format` values a contract may assert: email, date, date-time, uuid (strings only).

Each follows its RFC as the official test suite reads it (tests/unit/handlers/test_contract_suite.py)
and is a little stricter than the `jsonschema` library's checker, on purpose (tests pin the
difference): email is RFC 5321's Mailbox (a dot-atom or quoted local part; a dotted ASCII host name or
an IPv4/IPv6 address literal), where the library only looks for an "@"; uuid is exactly the
8-4-4-4-12 hex form (the library lets extra hyphens, braces and "urn:uuid:" through); a date-time may
not end in a newline (the library's `$` allows one) and has a leap second (`:60`) only at 23:59 UTC, as
RFC 3339 allows (which days had one is not checked: the table changes, a contract should not).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date
from ipaddress import IPv4Address, IPv6Address

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# RFC 3339 date-time (section 5.6) with a "T"; lower-case "t"/"z" are allowed, as RFC 3339 notes.
# Only year, month and day are captured (the day is checked against the month below).
_DATE_TIME = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-([0-9]{2})[Tt]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(?:\.[0-9]+)?"
    r"(?:[Zz]|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))\Z"
)
_MINUTES_PER_DAY = 24 * 60
# The common case in one match (a year other than 0000, a day 01-28: a day every month has); any
# other text is decided by the full rules below.
_COMMON_DATE = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
_COMMON_DATE_TIME = re.compile(
    _COMMON_DATE + r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])\Z"
).match
_COMMON_DATE_ONLY = re.compile(_COMMON_DATE + r"\Z").match
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
# A dot-atom local part (RFC 5322) and a dotted host name: what order feeds mean by an email address.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+\Z")
# RFC 5321 Mailbox: Local-part may be a Quoted-string; the domain may be an address literal.
_QUOTED_LOCAL = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_EMAIL_OTHER = re.compile(
    rf"(?:{_QUOTED_LOCAL}|{_ATOM}(?:\.{_ATOM})*)@(?:{_LABEL}(?:\.{_LABEL})+|\[(IPv6:)?([0-9A-Fa-f:.]+)\])\Z"
)
_EMAIL_MAX_CHARS = 254


def is_date(text: str) -> bool:
    """RFC 3339 full-date: YYYY-MM-DD, a real calendar day."""
    return _COMMON_DATE_ONLY(text) is not None or full_date(text)


def full_date(text: str) -> bool:
    """is_date without the one-match common case."""
    if _DATE.match(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time with a time zone (a leap second at 23:59:60 UTC)."""
    return _COMMON_DATE_TIME(text) is not None or full_date_time(text)


def full_date_time(text: str) -> bool:
    """is_date_time without the one-match common case."""
    found = _DATE_TIME.match(text)
    if found is None:
        return False
    year, month, day, hour, minute, second, sign, offset_hour, offset_minute = found.groups()
    if year == "0000" or day == "00":
        return False
    if second == "60":  # a leap second is the last second of a UTC day
        local = int(hour) * 60 + int(minute)
        offset = 0 if sign is None else int(offset_hour) * 60 + int(offset_minute)
        utc = (local - offset if sign == "+" else local + offset) % _MINUTES_PER_DAY
        if utc != _MINUTES_PER_DAY - 1:
            return False
    # Every month has 28 days: the calendar is consulted only for the last days of a month (two
    # ASCII digits compare as text as they do as numbers).
    return day <= "28" or int(day) <= calendar.monthrange(int(year), int(month))[1]


def is_uuid(text: str) -> bool:
    return _UUID.match(text) is not None


def is_email(text: str) -> bool:
    if len(text) > _EMAIL_MAX_CHARS:
        return False
    if _EMAIL.match(text) is not None:
        return True
    found = _EMAIL_OTHER.match(text)  # a quoted local part, or an address literal
    if found is None:
        return False
    ipv6, address = found.groups()
    if address is None:
        return True
    try:
        (IPv6Address if ipv6 else IPv4Address)(address)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "email": is_email,
    "date": is_date,
    "date-time": is_date_time,
    "uuid": is_uuid,
}
# What a review says a value must be, per format (no record content).
FORMAT_NAMES = {
    "email": "an email address (name@example.com)",
    "date": "an ISO 8601 / RFC 3339 date (YYYY-MM-DD)",
    "date-time": "an RFC 3339 date-time with a time zone (YYYY-MM-DDThh:mm:ssZ)",
    "uuid": "a UUID (8-4-4-4-12 hexadecimal digits)",
}
