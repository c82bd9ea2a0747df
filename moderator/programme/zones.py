"""Time zone names: validate what people write, and turn it into a pendulum zone.

The contract asks for IANA names; people also write ``UTC-3`` or ``GMT+2`` because
that is what concept notes print. We accept those as fixed offsets (they never observe
daylight saving) and suggest the closest IANA name for typos.
"""

from __future__ import annotations

import difflib
import functools
import re

import pendulum
from pendulum.tz.timezone import FixedTimezone, Timezone

from moderator.problems import Words

MAX_OFFSET_HOURS = 14
"""The widest real offset (Kiribati, UTC+14); anything beyond is a typo."""
_OFFSET = re.compile(r"^(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


class ZoneError(ValueError):
    """A zone name we cannot use; ``words`` and ``hint`` for a face to say in the session's language
    (``str()`` and ``str(hint)`` are the English)."""

    def __init__(self, name: str, hint: Words) -> None:
        self.words = Words("unknown time zone {name}", name=repr(name))
        super().__init__(self.words)
        self.hint = hint


@functools.cache
def _available() -> tuple[str, ...]:
    return tuple(sorted(pendulum.timezones()))


def check_zone(name: str) -> str:
    """Return the zone name, cleaned, if we can use it; raise ``ZoneError`` with a hint if not."""
    cleaned = name.strip()
    offset = _OFFSET.match(cleaned)
    if offset:
        _sign, hours, minutes = offset.groups()
        if int(hours) > MAX_OFFSET_HOURS or int(minutes or 0) > 59:
            raise ZoneError(cleaned, Words("offsets run from UTC-{hours} to UTC+{hours}", hours=MAX_OFFSET_HOURS))
        return cleaned.upper().replace(" ", "")
    if cleaned.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        pendulum.timezone(cleaned)
    except Exception:  # pendulum raises several types for unknown or malformed names
        pass
    else:
        return cleaned
    by_lower = {z.lower(): z for z in _available()}
    if cleaned.lower() in by_lower:
        return by_lower[cleaned.lower()]
    candidates = difflib.get_close_matches(cleaned.replace(" ", "_"), _available(), n=1, cutoff=0.6)
    if not candidates:
        city = cleaned.replace(" ", "_").lower()
        candidates = [z for z in _available() if z.lower().endswith("/" + city)]
    hint = Words("did you mean '{name}'?", name=candidates[0]) if candidates else \
        Words('use an IANA name like "Europe/Paris"')
    raise ZoneError(cleaned, hint)


@functools.cache
def zone(name: str) -> Timezone | FixedTimezone:
    """A pendulum zone for a name that ``check_zone`` accepted."""
    match = _OFFSET.match(name)
    if match:
        sign, hours, minutes = match.groups()
        offset = int(hours) * 3600 + int(minutes or 0) * 60
        return pendulum.FixedTimezone(-offset if sign == "-" else offset, name=name)
    return pendulum.timezone(name)


def short_zone_label(name: str) -> str:
    """``America/Mexico_City`` -> ``Mexico City``: what a header has room for."""
    if name.upper() == "UTC" or _OFFSET.match(name):
        return name
    return name.rsplit("/", 1)[-1].replace("_", " ")


LETTER_TERRITORIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
"""The United States and its territories, where paper is US Letter; everywhere else it is A4."""


def paper_size(name: str) -> str:
    """``letter`` for a zone of the United States, else ``a4`` (UTC and fixed offsets included)."""
    from babel.core import get_global

    canonical = get_global("zone_aliases").get(name, name)
    territory = get_global("zone_territories").get(canonical)
    return "letter" if territory in LETTER_TERRITORIES else "a4"


_CONTINENTS = frozenset({"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
                         "Pacific"})
_ALIAS_CITIES = {"America/Montreal": "Montréal"}
"""Cities whose zone CLDR folds into another's (``America/Montreal`` -> Toronto) and whose own name
has letters the zone's name cannot hold; any other such zone is named from its last part."""


@functools.cache
def city_label(name: str, language: str) -> str:
    """``America/Mexico_City`` in ``es`` -> ``Ciudad de México``: the zone's city in the reader's
    language, from the Unicode CLDR's names (through Babel); ``UTC`` and fixed offsets as written."""
    if name.upper() == "UTC" or _OFFSET.match(name):
        return name
    from babel.core import get_global
    from babel.dates import get_timezone_location  # Babel's data is loaded only when a label is wanted

    if name.split("/", 1)[0] in _CONTINENTS and get_global("zone_aliases").get(name, name) != name:
        # a city's own zone that CLDR folds into another city's: name the one the programme names
        return _ALIAS_CITIES.get(name, short_zone_label(name))
    try:
        city = get_timezone_location(name, locale=language, return_city=True)
    except (LookupError, ValueError):  # a zone or language CLDR does not know
        return short_zone_label(name)
    return str(city) if city else short_zone_label(name)
