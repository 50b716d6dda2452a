"""Value types of the catalogue: each :class:`Rule` checks a value and converts it to the form the API takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pendulum

from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ID_RE = re.compile(r"^[1-9][0-9]*$")


# ISO 4217 codes (ActiveCampaign takes them in lower case).
CURRENCIES = frozenset(
    """aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp byn bzd cad
    cdf chf clp cny cop crc cup cve czk djf dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd gnf gtq gyd
    hkd hnl htg huf idr ils inr iqd irr isk jmd jod jpy kes kgs khr kmf kpw krw kwd kyd kzt lak lbp lkr lrd lsl
    lyd mad mdl mga mkd mmk mnt mop mru mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr
    pln pyg qar ron rsd rub rwf sar sbd scr sdg sek sgd shp sle sll sos srd ssp stn svc syp szl thb tjs tmt tnd
    top try ttd twd tzs uah ugx usd uyu uzs ves vnd vuv wst xaf xcd xof xpf yer zar zmw zwl""".split()
)


@dataclass(frozen=True)
class Rule:
    """How one value is checked: ``kind`` is id, str, email, int, number, bool, date, enum, currency, list, dict
    or any; ``minimum``/``maximum`` bound int and number values."""

    kind: str = "str"
    choices: tuple[Any, ...] = ()
    pattern: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None

    def expected(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "list" and (self.choices or self.required):
            items = ": " + ", ".join(repr(c) for c in self.choices) if self.choices else ""
            return ("a non-empty list" if self.required else "a list") + (" of" + items if items else "")
        if self.pattern:
            return f"text matching {self.pattern}"
        if self.minimum is not None or self.maximum is not None:
            what = "a whole number" if self.kind == "int" else "a number"
            if self.minimum is not None and self.maximum is not None:
                return f"{what} from {self.minimum:g} to {self.maximum:g}"
            if self.minimum is not None:
                return f"{what}, {self.minimum:g} or more"
            return f"{what}, at most {self.maximum:g}"
        return {
            "id": "an ActiveCampaign id (a positive whole number)",
            "email": "an e-mail address",
            "int": "a whole number",
            "number": "a number",
            "bool": "true or false",
            "date": "a date/time that pendulum can parse",
            "currency": "a 3-letter ISO 4217 currency code such as 'usd'",
            "list": "a list",
            "dict": "a mapping",
            "str": "text",
        }.get(self.kind, "a value")

    def check(self, value: Any, name: str) -> Any:
        """Return the value in the form the API takes, or raise naming the parameter ``name``."""
        if value is None or (self.required and isinstance(value, str) and not value.strip()):
            if self.required:
                raise ActiveCampaignInputError(name, f"given ({self.expected()})", value or None)
            return None
        ok = True
        if self.kind == "id":
            ok = (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (
                isinstance(value, str) and bool(ID_RE.match(value.strip()))
            )
            value = str(value).strip() if ok else value
        elif self.kind == "email":
            ok = isinstance(value, str) and bool(EMAIL_RE.match(value.strip()))
            value = value.strip() if ok else value
        elif self.kind == "int":
            ok = _is_int(value)
        elif self.kind == "number":
            ok = _is_number(value)
        elif self.kind == "bool":
            ok = isinstance(value, bool) or str(value).lower() in {"0", "1", "true", "false"}
        elif self.kind == "date":
            ok = _is_date(value)
            value = value.isoformat() if ok and hasattr(value, "isoformat") else value
        elif self.kind == "currency":
            ok = isinstance(value, str) and value.strip().lower() in CURRENCIES
            value = value.strip().lower() if ok else value
        elif self.kind == "enum":
            normal = {str(c).lower(): c for c in self.choices}
            ok = str(value).lower() in normal
            value = normal.get(str(value).lower(), value)
        elif self.kind == "list":
            ok = isinstance(value, (list, tuple)) and bool(value or not self.required)
            if ok and self.choices:  # choices constrain every item of the list
                normal = {str(c).lower(): c for c in self.choices}
                unknown = [v for v in value if str(v).lower() not in normal]
                if unknown:
                    raise ActiveCampaignInputError(name, self.expected(), unknown)
                value = [normal[str(v).lower()] for v in value]
        elif self.kind == "dict":
            ok = isinstance(value, Mapping)
        elif self.kind == "str":
            ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        if ok and self.pattern:
            ok = bool(re.fullmatch(self.pattern, str(value)))
        if ok and (self.minimum is not None or self.maximum is not None):
            ok = (self.minimum is None or float(value) >= self.minimum) and (
                self.maximum is None or float(value) <= self.maximum)
        if not ok:
            raise ActiveCampaignInputError(name, self.expected(), value)
        return value


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and bool(re.fullmatch(r"-?[0-9]+", value.strip()))


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_date(value: Any) -> bool:
    if hasattr(value, "isoformat"):
        return True
    try:
        pendulum.parse(str(value))
    except Exception:
        return False
    return True


def ident(**kw: Any) -> Rule:
    return Rule("id", **kw)


def text(**kw: Any) -> Rule:
    return Rule("str", **kw)


def enum(*choices: Any, required: bool = False) -> Rule:
    return Rule("enum", choices=choices, required=required)


def required(rule: Rule) -> Rule:
    return replace(rule, required=True)


def compact(**fields: Any) -> dict[str, Any]:
    """The fields that were given (None means "not given")."""
    return {k: v for k, v in fields.items() if v is not None}
