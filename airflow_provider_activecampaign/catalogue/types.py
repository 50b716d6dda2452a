"""Value types of the catalogue: each :class:`Rule` checks a value and converts it to the form the API takes."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from airflow_provider_activecampaign.catalogue.errors import input_error

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The earliest year a date may have (ActiveCampaign's dates start well after; earlier is a typo).
MIN_YEAR = 1900
log = logging.getLogger(__name__)


# ISO 4217 codes (ActiveCampaign takes them in lower case).
CURRENCIES = frozenset(
    """aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp byn bzd cad
    cdf chf clp cny cop crc cup cve czk djf dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd gnf gtq gyd
    hkd hnl htg huf idr ils inr iqd irr isk jmd jod jpy kes kgs khr kmf kpw krw kwd kyd kzt lak lbp lkr lrd lsl
    lyd mad mdl mga mkd mmk mnt mop mru mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr
    pln pyg qar ron rsd rub rwf sar sbd scr sdg sek sgd shp sle sll sos srd ssp stn svc syp szl thb tjs tmt tnd
    top try ttd twd tzs uah ugx usd uyu uzs ves vnd vuv wst xaf xcd xof xpf yer zar zmw zwl""".split()
)


#: The API's ids and whole numbers are 32-bit signed integers.
INT32_MAX = 2_147_483_647
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
#: What a template renders for a missing value (an XCom that was never pushed).
RENDERED_NONE = "None"
#: A custom field's personalization tag, with or without the surrounding ``%``.
PERSTAG_RE = re.compile(r"^%?([A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_]*)%?$")


@dataclass(frozen=True)
class Rule:
    """How one value is checked and converted to the form the API takes.

    ``kind`` is id (a positive 32-bit id, sent as text), str, email, int, number, bool
    (true/false), flag (1/0), date (``YYYY-MM-DD`` for a day, else ISO 8601 with an offset;
    a time without one is UTC), enum,
    currency, list, dict, fields (custom field values; ``choices`` = the API's id and value
    keys) or any. ``minimum``/``maximum`` bound int and number values. ``defined_by`` names the
    catalogue resource that lists the custom fields whose ids the value holds (checked before a write).
    """

    kind: str = "str"
    choices: tuple[Any, ...] = ()
    pattern: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    #: enum values also taken by name (``("won", 1)``: "won" is sent as 1), any case
    aliases: tuple[tuple[str, Any], ...] = ()
    #: the catalogue resource listing the custom fields this value's ids name (``"field"``), or None
    defined_by: str | None = None

    def expected(self) -> str:
        if self.kind == "enum":
            named = f" (or {', '.join(repr(name) for name, _ in self.aliases)})" if self.aliases else ""
            return "one of " + ", ".join(repr(c) for c in self.choices) + named
        if self.kind == "list" and (self.choices or self.required):
            items = ": " + ", ".join(repr(c) for c in self.choices) if self.choices else ""
            return ("a non-empty list" if self.required else "a list") + (" of" + items if items else "")
        if self.pattern:
            return f"text matching {self.pattern}"
        if self.minimum is not None or self.maximum is not None:
            what = "a whole number" if self.kind == "int" else "a number"
            top = INT32_MAX if self.maximum is None and self.kind == "int" else self.maximum
            if self.minimum is not None and top is not None:
                return f"{what} from {_shown(self.minimum)} to {_shown(top)}"
            if self.minimum is not None:
                return f"{what}, {_shown(self.minimum)} or more"
            return f"{what}, at most {_shown(self.maximum)}"
        return _EXPECTED.get(self.kind, "a value")

    def check(self, value: Any, name: str) -> Any:
        """Return the value in the form the API takes, or raise naming the parameter ``name``."""
        if isinstance(value, str) and value.strip() == RENDERED_NONE and (
                self.kind not in ("str", "any") or (self.kind == "str" and (self.required or self.pattern))):
            raise input_error(
                name, f"{self.expected()} (the text 'None' is what a template renders for a missing XCom)", value)
        if value is None or (self.required and isinstance(value, str) and not value.strip()):
            if self.required:
                raise input_error(name, f"given ({self.expected()})", value or None)
            return None
        if self.kind == "fields":
            return custom_field_list(value, name, *self.choices)
        ok, converted = _CONVERTERS.get(self.kind, _as_is)(self, value)
        if ok and self.pattern:
            ok = bool(re.fullmatch(self.pattern, str(converted)))
        if ok and (self.minimum is not None or self.maximum is not None):
            ok = (self.minimum is None or float(converted) >= self.minimum) and (
                self.maximum is None or float(converted) <= self.maximum)
        if not ok:
            raise input_error(name, self.expected(), value)
        if self.kind == "list" and self.choices:  # choices constrain every item of the list
            normal = {str(c).lower(): c for c in self.choices}
            unknown = [v for v in value if str(v).lower() not in normal]
            if unknown:
                raise input_error(name, self.expected(), unknown)
            converted = [normal[str(v).lower()] for v in value]
        if self.kind == "list" and self.choices and len(set(map(str, converted))) < len(converted):
            twice = sorted({str(v) for v in converted if [str(c) for c in converted].count(str(v)) > 1})
            raise input_error(name, self.expected() + ", each once", twice)
        return converted


def _shown(bound: float | None) -> str:
    """A bound as written: 2147483647, not 2.14748e+09."""
    return str(int(bound)) if bound is not None and float(bound).is_integer() else str(bound)


_EXPECTED = {
    "id": f"an ActiveCampaign id (a whole number from 1 to {INT32_MAX})",
    "email": "an e-mail address",
    "int": f"a whole number from -{INT32_MAX + 1} to {INT32_MAX}",
    "number": "a number",
    "bool": "true or false (also 1/0, yes/no, on/off, exactly)",
    "flag": "true or false (also 1/0, yes/no, on/off, exactly)",
    "date": "a date or date/time from 1900 on (ISO 8601 text or a datetime)",
    "currency": "a 3-letter ISO 4217 currency code such as 'usd'",
    "list": "a list",
    "dict": "a mapping",
    "str": "text",
}

Converted = tuple[bool, Any]


def _as_is(rule: Rule, value: Any) -> Converted:
    return True, value


def _id(rule: Rule, value: Any) -> Converted:
    number = _whole(value)
    return (number is not None and 1 <= number <= INT32_MAX), str(number)


def _int(rule: Rule, value: Any) -> Converted:
    number = _whole(value)
    return (number is not None and -INT32_MAX - 1 <= number <= INT32_MAX), number


def _number(rule: Rule, value: Any) -> Converted:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False, value
    try:
        number = float(value)
    except ValueError:
        return False, value
    if number != number or number in (float("inf"), float("-inf")):
        return False, value
    whole = _whole(value)
    return True, number if whole is None else whole


def _bool(rule: Rule, value: Any) -> Converted:
    truth = to_bool(value)
    if truth is None:
        return False, value
    return True, int(truth) if rule.kind == "flag" else truth


def _date(rule: Rule, value: Any) -> Converted:
    when = to_datetime(value)
    if when is None or when.year < MIN_YEAR:
        return False, value
    if _naive(value):
        _say_naive_is_utc()
    day_only = (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and re.fullmatch(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*", value))
    return True, when.date().isoformat() if day_only else when.isoformat()


def _email(rule: Rule, value: Any) -> Converted:
    address = value.strip() if isinstance(value, str) else ""
    invisible = any(unicodedata.category(c)[0] in "CZ" for c in address)  # zero-width, control, odd spaces
    return bool(EMAIL_RE.match(address)) and not invisible, address


def _naive(value: Any) -> bool:
    """A date/time without an offset (a day alone is not one: it has no time to place)."""
    if isinstance(value, datetime):
        return value.tzinfo is None
    return isinstance(value, str) and bool(re.search(r"[T ][0-9]{2}:[0-9]{2}", value.strip())) and not bool(
        re.search(r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$", value.strip()))


_said: list[bool] = []


def _say_naive_is_utc() -> None:
    """Log once per process that date/times without an offset are read as UTC."""
    if not _said:
        _said.append(True)
        log.info("A date/time without a UTC offset was given: it is taken as UTC (give an offset, "
                 "e.g. +02:00, or an aware datetime, for another zone)")


def _currency(rule: Rule, value: Any) -> Converted:
    code = value.strip().lower() if isinstance(value, str) else None
    return code in CURRENCIES, code


def _enum(rule: Rule, value: Any) -> Converted:
    normal = {str(c).lower(): c for c in rule.choices} | {name.lower(): c for name, c in rule.aliases}
    key = str(value).strip().lower() if not isinstance(value, bool) else repr(value)
    return key in normal, normal.get(key, value)


def _list(rule: Rule, value: Any) -> Converted:
    return isinstance(value, (list, tuple)) and bool(value or not rule.required), list(value) \
        if isinstance(value, (list, tuple)) else value


def _dict(rule: Rule, value: Any) -> Converted:
    return isinstance(value, Mapping), value


def _str(rule: Rule, value: Any) -> Converted:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool), value


_CONVERTERS = {"id": _id, "int": _int, "number": _number, "bool": _bool, "flag": _bool, "date": _date,
               "email": _email, "currency": _currency, "enum": _enum, "list": _list, "dict": _dict, "str": _str}


def _whole(value: Any) -> int | None:
    """An int, or text of a whole number ("10", " 7 "), as an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]+\s*", value):
        return int(value)
    return None


def to_bool(value: Any) -> bool | None:
    """True/False from a bool, 1/0, or the exact text true/false, 1/0, yes/no, on/off (any case, no
    spaces around); None when it is none of them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = value.lower() if isinstance(value, str) else None  # exact: 'False ' is no word (nor True)
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def to_datetime(value: Any) -> Any:
    """An aware pendulum DateTime (a date or date/time without an offset is taken as UTC), or None."""
    if isinstance(value, (int, float, bool)) or value is None:
        return None
    import pendulum  # here, not at the top: the catalogue imports with the standard library only

    try:
        if isinstance(value, datetime):
            when = pendulum.instance(value, tz="UTC")
        elif isinstance(value, date):
            when = pendulum.datetime(value.year, value.month, value.day, tz="UTC")
        else:
            when = pendulum.parse(str(value).strip(), tz="UTC")
    except Exception:
        return None
    return when if isinstance(when, pendulum.DateTime) else None


def custom_field_list(value: Any, name: str, id_key: str, value_key: str) -> list[dict]:
    """Custom field values as the API's list ``[{id_key: id, value_key: value, ...}]``.

    Takes ``{field id or personalization tag: value}`` or that list. Ids are checked; a tag
    (``COLOUR`` or ``%COLOUR%``) comes out as ``%COLOUR%``, for the operator to look up.
    """
    if isinstance(value, Mapping):
        items = [({id_key: key, value_key: item}, f"{name}.{key}") for key, item in value.items()]
    elif isinstance(value, (list, tuple)) and all(isinstance(item, Mapping) for item in value):
        items = [(dict(item), f"{name}[{n}]") for n, item in enumerate(value)]
    else:
        raise input_error(name, f"{{field id: value}} or a list of {{{id_key!r}, {value_key!r}}}",
                                       value)
    out = []
    for item, label in items:
        key = item.get(id_key)
        number = _whole(key)
        tag = PERSTAG_RE.match(key.strip()) if isinstance(key, str) and number is None else None
        if tag is not None:
            item[id_key] = "%" + tag.group(1).upper() + "%"
        elif number is None or not 1 <= number <= INT32_MAX:
            raise input_error(
                label, "keyed by a custom field id or personalization tag (COLOUR or %COLOUR%)", key)
        else:
            item[id_key] = number if id_key in INT_FIELD_IDS else str(number)
        if value_key not in item:
            raise input_error(label, f"a {value_key!r} given")
        if isinstance(item[value_key], Mapping) or (isinstance(item[value_key], (list, tuple)) and any(
                isinstance(v, (Mapping, list, tuple)) for v in item[value_key])):
            raise input_error(label, "a field value: text, a number, or a list of them (for "
                              "multi-select fields)", item[value_key])
        out.append(item)
    return out


#: Custom field id keys the API takes as numbers (the others as text).
INT_FIELD_IDS = frozenset({"customFieldId"})


def ident(**kw: Any) -> Rule:
    return Rule("id", **kw)


def text(**kw: Any) -> Rule:
    return Rule("str", **kw)


def enum(*choices: Any, required: bool = False, aliases: Mapping[str, Any] | None = None) -> Rule:
    return Rule("enum", choices=choices, required=required, aliases=tuple((aliases or {}).items()))


def required(rule: Rule) -> Rule:
    return replace(rule, required=True)


def compact(**fields: Any) -> dict[str, Any]:
    """The fields that were given (None means "not given")."""
    return {k: v for k, v in fields.items() if v is not None}
