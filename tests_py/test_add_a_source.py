"""Adding a source the way CONTRIBUTING.md ("Adding a source") says takes five files, and builds.

In a copy of the project, a HubSpot form-submissions CSV becomes a touch
source: one registry entry (and its event type var) in dbt_project.yml, a
five-line base model, a staging model in the touch contract, its YAML, and a
demo file. Nothing else is edited: the loaders, the lookups, the union of
touches, quarantine, the raw-row accounting test, the mass-rejection check,
freshness and the summary all pick the new source up from the registry.
"""

import filecmp
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT, query, run_dbt

IGNORED = shutil.ignore_patterns(
    ".git", ".venv", ".venv-spark", "target", "logs", "__pycache__", "runs", "*.duckdb", "dbt_packages"
)

REGISTRY_ENTRY = """\
    - name: hubspot
      folder: hubspot/form_submissions
      loader: flat
      columns: {Submitted At: submitted_at, Email: email,
                First Name: first_name, Last Name: last_name,
                Phone Number: phone, Form Name: form_name}
      base_model: base_hubspot__form_submission_rows
      staging_model: stg_hubspot__form_submissions
      touch_model: stg_hubspot__form_submissions
      email: email
      phone: phone
      phone_country: null
      event_types: [identity__event_type_form_submitted]
"""

STAGING_SQL = """\
{{ config(**incremental_chain_config(['base_hubspot__form_submission_rows'])) }}
{% set scope = incremental_scope() %}
with

submission_rows as (

    select *
    from {{ engine_ref('base_hubspot__form_submission_rows') }}
    where {{ loaded_since_scope(scope) }}

),

emails as (

    select * from {{ ref('stg_identifiers__emails') }}

),

phones as (

    select * from {{ ref('stg_identifiers__phones') }}

),

judged as (

    select
        *,
        {{ parse_iso_timestamp('submitted_at') }} as submitted_at_utc,
        first_name || ' ' || last_name as full_name

    from submission_rows

),

final as (

    select
        {{ hash_identifier(
            "'hubspot|' || coalesce(emails.email_sha256, phones.phone_sha256)"
            ~ " || '|' || judged.form_name || '|' || judged.submitted_at"
        ) }} as touch_id,
        emails.email_normalized,
        emails.email_sha256,
        coalesce(emails.is_role_address, false) as is_role_email,
        phones.phone_e164,
        phones.phone_sha256,
        {{ hash_identifier(normalize_name('judged.full_name')) }}
            as name_sha256,
        'hubspot' as source_system,
        '{{ var("identity__event_type_form_submitted") }}' as event_type,
        {{ json_object_without_nulls([
            ('source_system', "'hubspot'"),
            ('form_name', 'judged.form_name'),
        ]) }} as event_properties,
        emails.email_rejection_reason,
        phones.phone_rejection_reason,
        case
            when judged.load_error is not null then judged.load_error
            when judged.submitted_at_utc is null
                then 'Submitted At is not an ISO-8601 timestamp'
            when emails.email_sha256 is null and phones.phone_sha256 is null
                then 'no usable identifier: email and phone missing or rejected'
        end as row_rejection_reason,
        cast(null as varchar) as value_rejection_reason,
        judged.submitted_at_utc as occurred_at,
        judged.source_file,
        judged.source_row_number,
        judged.source_file_sha256,
        judged.source_file_modified_at,
        judged._loaded_at

    from judged
    left join emails
        on judged.email = emails.email_raw
    left join phones
        on judged.phone = phones.phone_raw
        and phones.region_hint = '{{ var("identity__default_phone_region") }}'

)

select * from final
"""

STAGING_YAML = """\
sources:
  - name: hubspot
    schema: staging
    config:
      loaded_at_query: >-
        select coalesce(max(source_file_modified_at), current_timestamp)
        from {{ this }}
    tables:
      - name: base_hubspot__form_submission_rows

models:
  - name: base_hubspot__form_submission_rows
    description: One row per row of every HubSpot form-submissions export.
    config:
      enabled: "{{ target.type != 'spark' }}"
      raw_path: "{{ var('identity__raw_path') }}"
      sources_registry: "{{ var('identity__sources') }}"
      meta: {pii: true}
    data_tests:
      - unique_combination_of_columns:
          arguments:
            columns: [source_file, source_row_number]

  - name: stg_hubspot__form_submissions
    description: One row per raw form submission, typed, in the touch contract.
    config:
      meta: {pii: true}
    data_tests:
      - unique_combination_of_columns:
          arguments:
            columns: [source_file, source_row_number]
"""

DEMO_FILE = """\
Submitted At,Email,First Name,Last Name,Phone Number,Form Name,Page URL
2026-04-25T10:00:00Z,alice.nguyen@northwind-labs.com,Alice,Nguyen,,Pricing Contact,https://example.com/pricing
2026-04-26T11:30:00Z,new.lead@hubspot-example.com,New,Lead,+1 415 555 0199,Demo Request,https://example.com/demo
2026-04-27T09:15:00Z,,No,Identifier,,Demo Request,https://example.com/demo
"""


def _tree(root):
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file()
    }


def _changed_files(original, changed):
    before, after = _tree(original), _tree(changed)
    edited = {
        name for name in before & after if not filecmp.cmp(original / name, changed / name, shallow=False)
    }
    return sorted((after - before) | edited | (before - after))


@pytest.fixture(scope="module")
def project_with_hubspot(tmp_path_factory):
    work = tmp_path_factory.mktemp("add_a_source")
    original = work / "original"
    shutil.copytree(PROJECT_ROOT, original, ignore=IGNORED)
    project = work / "project"
    shutil.copytree(original, project)

    # 1. the registry entry (and the var naming its event type)
    settings = project / "dbt_project.yml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("    - name: app\n", REGISTRY_ENTRY + "    - name: app\n", 1)
    text = text.replace(
        "  identity__event_type_meeting_attended: Meeting Attended\n",
        "  identity__event_type_meeting_attended: Meeting Attended\n"
        "  identity__event_type_form_submitted: Form Submitted\n",
        1,
    )
    settings.write_text(text, encoding="utf-8")
    # 2. the base model: a copy of another source's
    folder = project / "models" / "staging" / "hubspot"
    (folder / "base").mkdir(parents=True)
    shutil.copy(
        project / "models" / "staging" / "app" / "base" / "base_app__user_rows.py",
        folder / "base" / "base_hubspot__form_submission_rows.py",
    )
    # 3. and 4. the staging model and its YAML
    (folder / "stg_hubspot__form_submissions.sql").write_text(STAGING_SQL, encoding="utf-8")
    (folder / "_hubspot__models.yml").write_text(STAGING_YAML, encoding="utf-8")
    # 5. the demo file
    demo = project / "demo" / "raw" / "hubspot" / "form_submissions"
    demo.mkdir(parents=True)
    (demo / "hubspot_forms_2026-04.csv").write_text(DEMO_FILE, encoding="utf-8")

    changed = _changed_files(original, project)  # before the build writes logs/
    database = work / "hubspot.duckdb"
    build = run_dbt(
        ["build"], database, project=project,
        identity__raw_path=project / "demo" / "raw", identity__export_path=work / "exports",
    )
    return {"changed": changed, "project": project, "database": database, "build": build, "work": work}


def test_the_recipe_touches_five_files(project_with_hubspot):
    assert project_with_hubspot["changed"] == [
        "dbt_project.yml",
        "demo/raw/hubspot/form_submissions/hubspot_forms_2026-04.csv",
        "models/staging/hubspot/_hubspot__models.yml",
        "models/staging/hubspot/base/base_hubspot__form_submission_rows.py",
        "models/staging/hubspot/stg_hubspot__form_submissions.sql",
    ]


def test_the_new_source_reaches_touches_persons_and_exports(project_with_hubspot):
    database = project_with_hubspot["database"]
    touches = query(
        database,
        "select event_type, user_id is not null from fct_offline_touches "
        "where source_system = 'hubspot' order by occurred_at",
    )
    # Alice is a product user: her form submission joins her person and carries her user_id
    assert touches == [("Form Submitted", True), ("Form Submitted", False)]
    exported = query(
        database,
        "select count(*) from export_amplitude__events where event_type = 'Form Submitted'",
    )
    assert exported == [(2,)]


def test_the_new_source_is_accounted_quarantined_and_summarized(project_with_hubspot):
    database, project = project_with_hubspot["database"], project_with_hubspot["project"]
    assert query(
        database,
        "select source_file, source_row_number, reason from quarantined_records "
        "where source_system = 'hubspot' and rejected_column = 'row'",
    ) == [("hubspot/form_submissions/hubspot_forms_2026-04.csv", 4,
           "no usable identifier: email and phone missing or rejected")]
    assert query(
        database, "select rows_read, rows_rejected from quarantined_files where source_system = 'hubspot'"
    ) == [(3, 1)]
    # the raw-row accounting test and the registry's accepted values ran in the build
    assert "assert_every_raw_row_is_staged_or_quarantined" in project_with_hubspot["build"].stdout
    summary = subprocess.run(
        [sys.executable, str(project / "scripts" / "summary.py")],
        env={**os.environ, "DBT_DUCKDB_PATH": str(database)},
        capture_output=True, text=True, check=True,
    )
    raw_rows = query(
        database,
        "select (select count(*) from staging.base_zoom__attendee_report_rows)"
        " + (select count(*) from staging.base_ringcentral__call_log_rows)"
        " + (select count(*) from staging.base_offline__touch_rows)"
        " + (select count(*) from staging.base_app__user_rows)"
        " + (select count(*) from staging.base_hubspot__form_submission_rows)",
    )[0][0]
    assert f"raw rows read {raw_rows:>50,}".split() == [
        line for line in summary.stdout.splitlines() if "raw rows read" in line
    ][0].split()
    assert "hubspot/form_submissions/hubspot_forms_2026-04.csv: 1 of 3 rows" in summary.stdout


def test_the_new_source_has_freshness(project_with_hubspot):
    result = run_dbt(
        ["source", "freshness"], project_with_hubspot["database"], project=project_with_hubspot["project"],
        identity__raw_path=project_with_hubspot["project"] / "demo" / "raw",
    )
    assert "PASS freshness of hubspot.base_hubspot__form_submission_rows" in result.stdout
