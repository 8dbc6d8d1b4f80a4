"""Generate the phone reference seeds from the installed ``phonenumbers`` library.

Writes two dbt seeds:

* ``seeds/reference/phone_region_metadata.csv``: one row per (region, country
  calling code) that libphonenumber knows (every supported region plus the
  non-geographic entities under region ``001``), with the fields that
  ``parse`` and ``is_valid_number`` use: IDD prefix, national (trunk) prefix
  and its parsing pattern/transform rule, the general national-number pattern
  and possible lengths, and one pattern + possible-length list per number type.
* ``seeds/reference/country_regions.csv``: English country/region names (as
  Zoom writes them in "Country/Region Name") -> ISO region code. Names come
  from libphonenumber's own English locale data, plus a short list of common
  aliases written below.

Usage (from the project root)::

    python scripts/generate_phone_metadata.py            # write the seeds
    python scripts/generate_phone_metadata.py --check    # fail if out of date

Every pattern is checked to compile under RE2 (DuckDB) when the ``duckdb``
module is importable; Spark uses java.util.regex, the dialect the patterns are
written in.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.geodata.locale import LOCALE_DATA

PROJECT_ROOT = Path(__file__).resolve().parents[1]
METADATA_PATH = PROJECT_ROOT / "seeds" / "reference" / "phone_region_metadata.csv"
NAMES_PATH = PROJECT_ROOT / "seeds" / "reference" / "country_regions.csv"
SEEDS_YAML_PATH = PROJECT_ROOT / "seeds" / "reference" / "_phone_reference__seeds.yml"

# Number types in the order libphonenumber's _number_type_helper checks them.
NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)

# Names people (and Zoom) use that differ from libphonenumber's English names.
EXTRA_NAMES = {
    "USA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "UK": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Korea": "KR",
    "Korea, Republic of": "KR",
    "Republic of Korea": "KR",
    "Korea, Democratic People's Republic of": "KP",
    "Hong Kong SAR": "HK",
    "Hong Kong SAR China": "HK",
    "Hong Kong, China": "HK",  # Zoom's attendee reports (2020)
    "Macao SAR": "MO",
    "Macau": "MO",
    "Taiwan, Province of China": "TW",
    "Viet Nam": "VN",
    "Russian Federation": "RU",
    "Czechia": "CZ",
    "Türkiye": "TR",
    "Turkiye": "TR",
    "Holland": "NL",
    "The Netherlands": "NL",
    "UAE": "AE",
    "Ivory Coast": "CI",
    "Côte d'Ivoire": "CI",
    "Iran, Islamic Republic of": "IR",
    "Tanzania, United Republic of": "TZ",
    "Vatican City": "VA",
    "Holy See": "VA",
    "Brunei Darussalam": "BN",
    "Lao People's Democratic Republic": "LA",
    "Syrian Arab Republic": "SY",
    "Moldova, Republic of": "MD",
    "North Macedonia": "MK",
    "Eswatini": "SZ",
    "Cabo Verde": "CV",
    "Palestine": "PS",
    "Myanmar (Burma)": "MM",
    "Burma": "MM",
}


def _pattern(desc) -> str:
    """National-number pattern of a description, '' when absent."""
    if desc is None or desc.national_number_pattern is None:
        return ""
    return desc.national_number_pattern


def _lengths(values) -> str:
    """Pipe-delimited list with edge pipes ('|9|10|'), '' when empty."""
    values = [v for v in (values or ()) if v != -1]
    return "|" + "|".join(str(v) for v in values) + "|" if values else ""


def _type_columns(metadata) -> dict[str, str]:
    general_lengths = metadata.general_desc.possible_length or ()
    row = {}
    for number_type in NUMBER_TYPES:
        desc = getattr(metadata, number_type)
        pattern = _pattern(desc)
        lengths = tuple(desc.possible_length) if desc is not None else ()
        if lengths and lengths[0] == -1:
            # The type does not exist in this region: libphonenumber never
            # matches it, so leave the pattern empty.
            pattern, lengths = "", ()
        if pattern and not lengths:
            # Empty list = no length filter; the general lengths are checked
            # first anyway, so repeating them here is equivalent.
            lengths = general_lengths
        row[f"{number_type}_pattern"] = pattern
        row[f"{number_type}_possible_lengths"] = _lengths(lengths) if pattern else ""
    return row


def _java_rule(rule: str) -> str:
    """Python/RE2 replacement (\\1) -> java.util.regex replacement ($1)."""
    out, i = [], 0
    while i < len(rule):
        if rule[i] == "\\" and i + 1 < len(rule) and rule[i + 1].isdigit():
            out.append("$" + rule[i + 1])
            i += 2
        else:
            out.append(rule[i])
            i += 1
    return "".join(out)


def metadata_rows() -> list[dict[str, str]]:
    rows = []
    for country_code, regions in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()):
        for order, region in enumerate(regions, start=1):
            if region == "001":
                metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
            else:
                metadata = PhoneMetadata.metadata_for_region(region)
            if metadata is None:
                continue
            general = metadata.general_desc
            lengths = [v for v in (general.possible_length or ()) if v != -1]
            rule = metadata.national_prefix_transform_rule or ""
            row = {
                "region_code": region,
                "country_code": str(country_code),
                "region_order": str(order),
                "country_code_region_count": str(len(regions)),
                "is_main_country_for_code": "true" if order == 1 else "false",
                "leading_digits": metadata.leading_digits or "",
                "international_prefix": metadata.international_prefix or "",
                "national_prefix": metadata.national_prefix or "",
                "national_prefix_for_parsing": metadata.national_prefix_for_parsing or "",
                "national_prefix_group_count": str(
                    re.compile(metadata.national_prefix_for_parsing).groups
                    if metadata.national_prefix_for_parsing
                    else 0
                ),
                "national_prefix_transform_rule": rule,
                "national_prefix_transform_rule_java": _java_rule(rule),
                "general_pattern": _pattern(general),
                "general_possible_lengths": _lengths(lengths),
                "general_local_only_lengths": _lengths(general.possible_length_local_only),
                "general_min_length": str(min(lengths)) if lengths else "",
                "general_max_length": str(max(lengths)) if lengths else "",
            }
            row.update(_type_columns(metadata))
            rows.append(row)
    return rows


def _english_name(region: str) -> str | None:
    names = LOCALE_DATA.get(region)
    if not names:
        return None
    name = names.get("en")
    seen = set()
    while name and name.startswith("*") and name not in seen:
        seen.add(name)
        name = names.get(name[1:])
    return name


def name_rows(regions: set[str]) -> list[dict[str, str]]:
    by_name: dict[str, str] = {}
    for region in sorted(regions):
        name = _english_name(region)
        if name:
            by_name.setdefault(name, region)
    for name, region in EXTRA_NAMES.items():
        if region in regions:
            by_name.setdefault(name, region)
    return [
        {"country_region_name": name, "region_code": region}
        for name, region in sorted(by_name.items(), key=lambda item: item[0].lower())
    ]


def check_patterns_compile(rows: list[dict[str, str]]) -> None:
    """Compile every pattern with DuckDB (RE2); raise on the first failure."""
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is in the project venv
        return
    con = duckdb.connect()
    columns = ["leading_digits", "international_prefix", "national_prefix_for_parsing", "general_pattern"]
    columns += [f"{number_type}_pattern" for number_type in NUMBER_TYPES]
    for row in rows:
        for column in columns:
            if row[column]:
                con.execute("select regexp_full_match('1', ?)", [row[column]])


def _render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def seeds_yaml(metadata_columns: list[str]) -> str:
    """Seed properties: every column is a string (DuckDB and Spark accept it)."""
    lines = [
        "# Generated by scripts/generate_phone_metadata.py; do not edit by hand.",
        "seeds:",
        "  - name: country_regions",
        "    description: >-",
        "      One row per English country/region name (as Zoom writes it in",
        "      \"Country/Region Name\"), mapped to its ISO 3166-1 alpha-2 code.",
        "    config:",
        "      column_types:",
        "        country_region_name: string",
        "        region_code: string",
        "",
        "  - name: phone_region_metadata",
        "    description: >-",
        "      One row per (region_code, country_code) known to libphonenumber",
        f"      (phonenumbers {phonenumbers.__version__}): the data parse and",
        "      is_valid_number use. Region 001 rows are non-geographic codes.",
        "    config:",
        "      column_types:",
    ]
    lines += [f"        {column}: string" for column in metadata_columns]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the seeds differ from the library")
    args = parser.parse_args(argv)

    rows = metadata_rows()
    check_patterns_compile(rows)
    outputs = {
        METADATA_PATH: _render(rows),
        NAMES_PATH: _render(name_rows({row["region_code"] for row in rows} - {"001"})),
        SEEDS_YAML_PATH: seeds_yaml(list(rows[0])),
    }
    stale = []
    for path, text in outputs.items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(PROJECT_ROOT)} ({text.count(chr(10)) - 1} rows)")
    if stale:
        print("out of date (phonenumbers " + phonenumbers.__version__ + "): " + ", ".join(map(str, stale)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
