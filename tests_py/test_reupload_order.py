"""A re-uploaded export adds nothing, whichever way its name sorts against the original's.

Every file of every registered source (the registry: var identity__sources in dbt_project.yml) is copied
twice beside its original: once under a name sorting before it (the browser's "name (1).csv"), once
under a name sorting after it ("name_reupload.csv"). Built once, the copies must change no touch id, no
export row, and no user: touch ids depend on content only, never on the file name or the load order.
"""

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_RAW, PROJECT_ROOT, demo_copy, query, run_dbt

SOURCES = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["identity__sources"]


def copy_names(original: Path):
    """(sorts before, sorts after) names for a re-upload of `original`."""
    return (
        original.with_name(f"{original.stem} (1){original.suffix}"),
        original.with_name(f"{original.stem}_reupload{original.suffix}"),
    )


def demo_files(source):
    return sorted(path for path in (DEMO_RAW / source["folder"]).rglob("*") if path.is_file())


def relative(path: Path, raw: Path):
    return path.relative_to(raw).as_posix()


@pytest.fixture(scope="module")
def reuploaded(tmp_path_factory):
    work = tmp_path_factory.mktemp("reupload")
    database = work / "reupload.duckdb"
    raw, variables = demo_copy(work)
    pairs = {}  # source name -> [(original, before, after)] as source_file values
    for source in SOURCES:
        for demo_file in demo_files(source):
            original = raw / demo_file.relative_to(DEMO_RAW)
            before, after = copy_names(original)
            assert before.name < original.name < after.name
            shutil.copy(original, before)
            shutil.copy(original, after)
            pairs.setdefault(source["name"], []).append(tuple(relative(path, raw) for path in (original, before, after)))
    run_dbt(["build"], database, **variables)
    return database, pairs


def test_every_registered_source_has_a_demo_file_copied(reuploaded):
    _, pairs = reuploaded
    assert set(pairs) == {source["name"] for source in SOURCES}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s["name"])
def test_every_copy_is_loaded_and_staged_like_its_original(reuploaded, source):
    """The copies are not skipped by a loader: each one is staged with as many rows as its original."""
    database, pairs = reuploaded
    for files in pairs[source["name"]]:
        counts = [
            query(database, f"select count(*) from staging.{source['staging_model']} where source_file = ?", [file])[0][0]
            for file in files
        ]
        assert counts[0] > 0 and counts == [counts[0]] * 3, (files, counts)


def touch_ids(database, relation, files):
    placeholders = ", ".join("?" for _ in files)
    return {
        touch_id
        for (touch_id,) in query(
            database, f"select touch_id from {relation} where source_file in ({placeholders})", list(files)
        )
    }


@pytest.mark.parametrize("source", [source for source in SOURCES if source["touch_model"]], ids=lambda s: s["name"])
def test_a_copys_rows_carry_the_originals_touch_ids(reuploaded, demo_build, source):
    """Asserted on the source's touch model: the touch ids of the original and its two copies are exactly
    the original's touch ids in a build without the copies."""
    database, pairs = reuploaded
    demo_database, _ = demo_build
    schema = "staging" if source["touch_model"].startswith("stg_") else "intermediate"
    relation = f"{schema}.{source['touch_model']}"
    for original, before, after in pairs[source["name"]]:
        expected = touch_ids(demo_database, relation, [original])
        assert expected, original
        assert touch_ids(database, relation, [original, before, after]) == expected, original
        for copy in (before, after):
            copied = touch_ids(database, relation, [copy])
            assert copied <= expected, copy


def test_no_touch_is_added(reuploaded, demo_build):
    database, _ = reuploaded
    demo_database, _ = demo_build
    sql = "select source_system, touch_id from intermediate.int_touches_unioned order by all"
    assert query(database, sql) == query(demo_database, sql)


def test_no_user_is_added_or_changed(reuploaded, demo_build):
    database, _ = reuploaded
    demo_database, _ = demo_build
    sql = "select user_id, person_id, device_id from dim_persons where user_id is not null order by all"
    assert query(database, sql) == query(demo_database, sql)


@pytest.mark.parametrize("kind", ["events", "identifies"])
def test_the_exports_are_those_of_the_demo_without_copies(reuploaded, demo_build, kind):
    database, _ = reuploaded
    demo_database, _ = demo_build
    sql = f"select insert_id, event_type, user_id, device_id, time from export_amplitude__{kind} order by all"
    exported = query(database, sql)
    assert exported and exported == query(demo_database, sql)
    assert query(database, "select count(*) from export_amplitude__review") == [(0,)]
