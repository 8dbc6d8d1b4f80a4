"""PII stays in staging: no input email or phone reaches anything else.

Every email and phone of the demo input files is collected as written, in
its cleaned and normalized forms, and for phones also as digits only (with
and without the country code). In the session's demo build (a scratch
database with its own log folder, conftest.py), every relation outside the
`staging` schema (intermediate, marts, exports, audit, seeds), every export
file and the build's dbt log are scanned. A positive control makes sure the scan finds
the values where they are allowed to be.
"""

import csv
import gzip
import io
import re

import phonenumbers
import pytest

from conftest import DEMO_RAW, query

MIN_NEEDLE = 7  # shorter strings ("12", "n/a") are not identifying and match anywhere


HEADER_NAMES = {"email", "phone", "from.phonenumber", "to.phonenumber"}


def _csv_cells(path):
    """(header name, value) of every cell under a header line naming an email or phone column.

    A Zoom report's section title (a line with one cell) ends a section.
    """
    header = None
    for cells in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")):
        filled = [cell for cell in cells if cell.strip()]
        if not filled:
            continue
        if any(cell.strip().lower() in HEADER_NAMES for cell in cells):
            header = [cell.strip() for cell in cells]
        elif len(filled) == 1:
            header = None
        elif header:
            yield from zip(header, cells)


def _email_forms(value):
    stripped = value.strip()
    cleaned = stripped
    match = re.search(r"<([^>]*)>", cleaned)
    if match:
        cleaned = match.group(1)
    cleaned = re.sub(r"^mailto:", "", cleaned.strip(), flags=re.IGNORECASE).strip()
    return {stripped, stripped.lower(), cleaned, cleaned.lower()}


def _phone_forms(value):
    stripped = value.strip()
    forms = {stripped, re.sub(r"\D", "", stripped)}
    for region in ("US", "GB", "DE"):
        try:
            number = phonenumbers.parse(stripped, region)
        except phonenumbers.NumberParseException:
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        forms |= {e164, e164[1:], str(number.national_number)}
    return forms


def demo_needles():
    """{needle (lowercase): the raw value it comes from} for every input email and phone."""
    needles = {}
    for path in sorted(DEMO_RAW.rglob("*.csv")):
        for name, value in _csv_cells(path):
            if not value.strip():
                continue
            lowered = name.lower()
            if "email" in lowered:
                forms = _email_forms(value)
            elif "phone" in lowered:
                forms = _phone_forms(value)
            else:
                continue
            for form in forms:
                if len(re.sub(r"\W", "", form)) >= MIN_NEEDLE:
                    needles[form.lower()] = value
    return needles


def relation_texts(database, schemas_excluded):
    """{schema.table: lowercased text of all its rows} for every relation not in the excluded schemas."""
    tables = query(
        database,
        "select table_schema, table_name from information_schema.tables order by 1, 2",
    )
    texts = {}
    for schema, table in tables:
        if schema in schemas_excluded:
            continue
        rows = query(database, f'select * from "{schema}"."{table}"')
        texts[f"{schema}.{table}"] = "\n".join("\t".join(str(value) for value in row) for row in rows).lower()
    return texts


def leaks(texts, needles):
    return sorted(
        (where, needle, source)
        for where, text in texts.items()
        for needle, source in needles.items()
        if needle in text
    )


@pytest.fixture(scope="module")
def pii_build(demo_build, demo_build_log):
    """The session's demo build (conftest.py): its database, export folder and dbt log folder."""
    database, exports = demo_build
    return database, exports, demo_build_log


def test_needles_cover_the_demo_inputs():
    needles = demo_needles()
    assert "alice.nguyen@northwind-labs.com" in needles  # cleaned from Alice.Nguyen@Northwind-Labs.com
    assert "oscar.reyes@wayne-ent.com" in needles  # from mailto:Oscar.Reyes@Wayne-Ent.com
    assert "+14158672301" in needles and "14158672301" in needles and "4158672301" in needles
    assert "+447911123456" in needles and "7911123456" in needles  # from 07911 123456
    assert "george@@hill-family" in needles  # rejected values count too
    assert "+14155550100" in needles  # the company's own line, a call's other end


def test_the_scan_finds_pii_where_it_is_allowed(pii_build):
    database, _, _ = pii_build
    staging = {
        where: text
        for where, text in relation_texts(database, {"main", "intermediate", "reference"}).items()
        if where.startswith("staging.")
    }
    found = {needle for _, needle, _ in leaks(staging, demo_needles())}
    assert {"alice.nguyen@northwind-labs.com", "+14158672301", "george@@hill-family"} <= found


def test_no_input_email_or_phone_outside_staging(pii_build):
    database, _, _ = pii_build
    texts = relation_texts(database, {"staging"})
    assert {"main.quarantined_records", "main.dim_person_identifiers", "intermediate.int_identifiers"} <= set(texts)
    assert any(where.startswith("main.export_amplitude__") for where in texts)
    assert leaks(texts, demo_needles()) == []


def test_no_input_email_or_phone_in_export_files(pii_build):
    _, exports, _ = pii_build
    files = [path for path in exports.rglob("*") if path.is_file()]
    assert files, "the build wrote no export file"
    texts = {}
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        texts[str(path.relative_to(exports))] = raw.decode("utf-8", errors="replace").lower()
    assert leaks(texts, demo_needles()) == []


def test_no_input_email_or_phone_in_the_dbt_log(pii_build):
    _, _, logs = pii_build
    log = logs / "dbt.log"
    assert log.exists() and log.stat().st_size > 0
    assert leaks({"dbt.log": log.read_text(encoding="utf-8", errors="replace").lower()}, demo_needles()) == []


# ---------- erased values (docs/erasure.md): nowhere at all, staging and loaded tables included


def erased_needles(emails=(), phones=()):
    """{needle: value} of every form of the erased emails and phones (as test_pii collects the demo's)."""
    needles = {}
    for value, forms in [(email, _email_forms(email)) for email in emails] + [
        (phone, _phone_forms(phone)) for phone in phones
    ]:
        for form in forms:
            if len(re.sub(r"\W", "", form)) >= MIN_NEEDLE:
                needles[form.lower()] = value
    return needles


def folder_texts(folder):
    """{path: lowercased text} of every file under `folder` (gzip files decompressed)."""
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        texts[str(path)] = raw.decode("utf-8", errors="replace").lower()
    return texts


def erased_value_leaks(database, needles, folders=()):
    """Where any needle is found: every relation of every schema, then every file of `folders`."""
    texts = relation_texts(database, set())
    for folder in folders:
        texts.update(folder_texts(folder))
    return leaks(texts, needles)


def test_the_erased_value_scan_finds_a_value_that_was_not_erased(pii_build):
    database, exports, logs = pii_build
    found = erased_value_leaks(database, erased_needles(["helen.park@umbrella.io"]), [exports, logs])
    assert {where.split(".")[0] for where, _, _ in found} >= {"staging"}  # the base tables and lookups hold her
