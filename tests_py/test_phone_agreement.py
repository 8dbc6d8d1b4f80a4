"""Agreement between the SQL macro parse_phone_numbers and libphonenumber.

The corpus (tests/fixtures/phones/phone_corpus.csv) holds only inputs. The
expected answer is computed here with the ``phonenumbers`` library:
parse(phone_raw, region_hint or the default region), is_valid_number,
format E164; anything that fails to parse or is invalid is expected NULL.
The macro runs through dbt (compile --inline) against the seeded metadata on
a throw-away DuckDB file.

Run from the project root:  python -m pytest tests_py/test_phone_agreement.py -s
"""

from __future__ import annotations

import csv

import duckdb
import phonenumbers
import pytest

from dbt_runner import PROJECT_ROOT, dbt_duckdb  # noqa: F401  (fixture)

CORPUS_PATH = PROJECT_ROOT / "tests" / "fixtures" / "phones" / "phone_corpus.csv"
DEFAULT_REGION = "US"
MIN_AGREEMENT = 0.99


def oracle_e164(phone_raw: str | None, region_hint: str | None, default_region: str = DEFAULT_REGION):
    region = (region_hint or "").strip().upper() or default_region
    try:
        number = phonenumbers.parse(phone_raw or "", region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def read_corpus() -> list[tuple[str, str | None]]:
    with CORPUS_PATH.open(encoding="utf-8", newline="") as handle:
        return [(row["phone_raw"], row["region_hint"] or None) for row in csv.DictReader(handle)]


_COMPILED: dict[tuple[str, str], str] = {}


def parse_with_macro(dbt, rows, default_region=DEFAULT_REGION):
    """Run parse_phone_numbers over rows; {(raw, hint): (e164, reason)}.

    The metadata seed is loaded and the macro compiled once per dbt fixture
    (and default region), then the compiled SQL runs on DuckDB over a temp
    table holding rows.
    """
    seed_key = (str(dbt.database_path), "")
    if seed_key not in _COMPILED:
        dbt.run("seed", "--select", "phone_region_metadata", "--full-refresh")
        _COMPILED[seed_key] = "seeded"
    key = (str(dbt.database_path), default_region)
    if key not in _COMPILED:
        _COMPILED[key] = dbt.compile_inline(
            "{{ parse_phone_numbers('qa_phone_corpus') }}",
            {"identity__default_phone_region": default_region},
        )
    with duckdb.connect(str(dbt.database_path)) as con:
        con.execute("create or replace temp table qa_phone_corpus (phone_raw varchar, region_hint varchar)")
        con.executemany("insert into qa_phone_corpus values (?, ?)", rows)
        result = con.execute(_COMPILED[key]).fetchall()
    return {(raw, hint): (e164, reason) for raw, hint, e164, reason in result}


@pytest.fixture(scope="module")
def corpus_results(dbt_duckdb):  # noqa: F811
    rows = read_corpus()
    return rows, parse_with_macro(dbt_duckdb, rows)


def test_corpus_is_big_and_varied():
    rows = read_corpus()
    assert len(rows) >= 250
    regions = set()
    for raw, hint in rows:
        try:
            regions.add(phonenumbers.region_code_for_number(phonenumbers.parse(raw, hint or DEFAULT_REGION)))
        except phonenumbers.NumberParseException:
            pass
    assert len(regions - {None}) >= 12


def test_macro_agrees_with_libphonenumber(corpus_results):
    rows, results = corpus_results
    assert len(results) == len(set(rows)), "one output row per distinct (phone_raw, region_hint)"
    disagreements = []
    for raw, hint in rows:
        expected = oracle_e164(raw, hint)
        actual, reason = results[(raw, hint)]
        if actual != expected:
            disagreements.append((raw, hint, expected, actual, reason))
    agreement = 1 - len(disagreements) / len(rows)
    print(f"\nphone agreement with phonenumbers {phonenumbers.__version__}: "
          f"{len(rows) - len(disagreements)}/{len(rows)} = {agreement:.2%}")
    for raw, hint, expected, actual, reason in disagreements:
        print(f"  {raw!r} hint={hint!r}: phonenumbers={expected} sql={actual} ({reason})")
    assert agreement >= MIN_AGREEMENT


def test_rejections_have_reasons_and_accepted_do_not(corpus_results):
    _, results = corpus_results
    for (raw, hint), (e164, reason) in results.items():
        assert (e164 is None) == (reason is not None), (raw, hint, e164, reason)
        if reason is not None:
            assert reason.startswith("phone: "), reason


def test_reasons_explain_typical_failures(corpus_results):
    _, results = corpus_results
    assert results[("n/a", None)] == (None, "phone: no digits")
    assert results[("0000000000", "US")][1].startswith("phone: placeholder")
    assert results[("(212) 736-500", "US")][1] == "phone: too short for region US"
    assert results[("+999 1234 5678", None)][1] == "phone: unknown country calling code"
    assert results[("212 736 5000", "XX")][1].startswith("phone: unknown region XX")
    assert results[("+44 (0) 20 7946 0958", None)] == ("+442079460958", None)
    assert results[("+1 212 736 5000 x 22", None)] == ("+12127365000", None)
    assert results[("06 6988 3000", "IT")] == ("+390669883000", None)


def test_default_region_var_is_used(dbt_duckdb):  # noqa: F811
    rows = [("030 12345678", None), ("020 7946 0958", None), ("+1 212 736 5000", None)]
    results = parse_with_macro(dbt_duckdb, rows, default_region="DE")
    for raw, hint in rows:
        assert results[(raw, hint)][0] == oracle_e164(raw, hint, default_region="DE"), raw
    assert results[("030 12345678", None)][0] == "+493012345678"


def generated_numbers(seed: int = 7) -> list[tuple[str, str | None]]:
    """Example numbers of every region and type in national, international,
    E.164 and bare forms, single-digit mutations of them, random digit
    strings with random region hints, and 3000 of those decorated the way
    people type (labels, separators, letters, extensions, trailing junk).
    Deterministic for a given seed."""
    import random

    from phonenumbers import PhoneNumberFormat

    rng = random.Random(seed)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    rows: set[tuple[str, str | None]] = set()
    for region in regions:
        for number_type in phonenumbers.PhoneNumberType.values():
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is None:
                continue
            for number_format in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164):
                rows.add((phonenumbers.format_number(example, number_format), region))
            national = phonenumbers.national_significant_number(example)
            rows.add((national, region))
            rows.add((str(example.country_code) + national, region))
            for _ in range(3):
                digits = list(national)
                digits[rng.randrange(len(digits))] = rng.choice("0123456789")
                if rng.random() < 0.3:
                    digits = digits[:-1]
                if rng.random() < 0.2:
                    digits.append(rng.choice("0123456789"))
                rows.add(("".join(digits), region))
                rows.add(("+" + str(example.country_code) + "".join(digits), None))
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(3, 15)))
        rows.add((rng.choice(["", "+", "00", "0"]) + digits, rng.choice([*regions, None])))
    prefixes = ["", "", "tel:", "Phone: ", "(", " +", "00", "011 ", "mob ", "#", "++", "+ ", "*", "T: ", "x"]
    suffixes = ["", "", " ext. 12", " x305", " #44", ";ext=9", " ext 7001", "#", " - 12#", ",,55", ";7",
                " (home)", ".", " / x9", "abc", " call after 5", "_", ")", " extension 4", " anexo 3", ", 12", "x"]
    separators = [" ", "-", ".", "/", "(", ")", "  ", "\u2013", "\u00a0", "x", "a", "~"]
    for raw, hint in rng.sample(sorted(rows, key=lambda row: (row[0], row[1] or "")), 3000):
        text = "".join(ch + (rng.choice(separators) if rng.random() < 0.15 else "") for ch in raw)
        if rng.random() < 0.05:
            text = text.replace("2", "A").replace("3", "D")
        decorated = rng.choice(prefixes) + text + rng.choice(suffixes)
        rows.add((decorated, rng.choice([hint, hint, None, "US", "GB", (hint or "us").lower()])))
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def test_macro_agrees_on_generated_numbers(dbt_duckdb):  # noqa: F811
    rows = generated_numbers()
    results = parse_with_macro(dbt_duckdb, rows)
    disagreements = [(raw, hint) for raw, hint in rows if results[(raw, hint)][0] != oracle_e164(raw, hint)]
    agreement = 1 - len(disagreements) / len(rows)
    print(f"\ngenerated numbers agreement: {len(rows) - len(disagreements)}/{len(rows)} = {agreement:.2%}")
    for raw, hint in disagreements[:50]:
        print(f"  {raw!r} hint={hint!r}: phonenumbers={oracle_e164(raw, hint)} sql={results[(raw, hint)]}")
    assert agreement >= MIN_AGREEMENT
