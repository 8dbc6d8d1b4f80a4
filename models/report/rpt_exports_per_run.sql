{# One row per run that exported: the events and identifies it appended
   (update_time_column is the run's start) and the NDJSON.gz files written
   for it (none on Spark). A view: a group by over the append-only export
   relations. #}
{{ config(materialized='view') }}
with

exported as (

    select
        update_time_column as run_started_at,
        1 as event_count,
        0 as identify_count

    from {{ ref('export_amplitude__events') }}

    union all

    select
        update_time_column as run_started_at,
        0 as event_count,
        1 as identify_count

    from {{ ref('export_amplitude__identifies') }}

),

rows_per_run as (

    select
        run_started_at,
        sum(event_count) as event_count,
        sum(identify_count) as identify_count

    from exported
    group by 1

),

{% if target.type != 'spark' %}
files_per_run as (

    select
        max_update_time as run_started_at,
        count(*) as file_count,
        sum(row_count) as file_row_count

    from {{ ref('export_amplitude__files') }}
    group by 1

),
{% else %}
{# Spark writes no export file (docs/spark.md): no file row #}
files_per_run as (

    select
        cast(null as {{ dbt.type_timestamp() }}) as run_started_at,
        cast(0 as {{ dbt.type_bigint() }}) as file_count,
        cast(0 as {{ dbt.type_bigint() }}) as file_row_count

    from (select 1 as one) as no_file
    where no_file.one = 0

),
{% endif %}

final as (

    select
        ---------- numerics
        coalesce(rows_per_run.event_count, 0) as event_count,
        coalesce(rows_per_run.identify_count, 0) as identify_count,
        coalesce(files_per_run.file_count, 0) as file_count,
        coalesce(files_per_run.file_row_count, 0) as file_row_count,

        ---------- timestamps
        coalesce(rows_per_run.run_started_at, files_per_run.run_started_at)
            as run_started_at

    from rows_per_run
    full outer join files_per_run
        on rows_per_run.run_started_at = files_per_run.run_started_at

)

select * from final
