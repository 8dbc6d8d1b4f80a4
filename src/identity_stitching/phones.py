"""Phone numbers to E.164 with libphonenumber's rules (the `phonenumbers` package)."""

import re

import phonenumbers
import pyarrow as pa
from phonenumbers import NumberParseException

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "phone: unknown country code",
    NumberParseException.NOT_A_NUMBER: "phone: not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "phone: too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "phone: too short",
    NumberParseException.TOO_LONG: "phone: too long",
}

_TEL_URI = re.compile(r"^\s*tel:", re.IGNORECASE)


def to_e164(raw, region):
    """(E.164 number, None) or (None, reason) for one raw value and region hint."""
    text = _TEL_URI.sub("", raw or "").strip()
    if not text:
        return None, None
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        return None, _PARSE_REASONS.get(error.error_type, "phone: cannot be parsed")
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region
        return None, f"phone: not a valid number for region {where}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def parse_phone_table(candidates):
    """Arrow table of (phone_raw, region_hint, phone_e164, phone_parse_error)."""
    raws = candidates.column("phone_raw").to_pylist()
    regions = candidates.column("region_hint").to_pylist()
    parsed = [to_e164(raw, region) for raw, region in zip(raws, regions)]
    return pa.table(
        {
            "phone_raw": pa.array(raws, pa.string()),
            "region_hint": pa.array(regions, pa.string()),
            "phone_e164": pa.array([e164 for e164, _ in parsed], pa.string()),
            "phone_parse_error": pa.array([reason for _, reason in parsed], pa.string()),
        }
    )
