{# The demo build (identity__raw_path: the bundled demo/raw) must export
   something: its touches are recent, valid and held by persons with
   device_ids. Both export relations empty after a build means every row was
   held back (a `time` in seconds is before identity__min_event_time_ms, a
   broken device_id...) or never reached the gate. One failing row per empty
   relation; export_amplitude__review says why the rows were held. #}
{{ config(
    tags=['demo'],
    enabled=(
        target.type != 'spark'
        and (var('identity__raw_path') | string).rstrip('/').endswith('demo/raw')
    ),
) }}
with

exported as (

    select
        'export_amplitude__events' as relation_name,
        count(*) as row_count

    from {{ ref('export_amplitude__events') }}

    union all

    select
        'export_amplitude__identifies' as relation_name,
        count(*) as row_count

    from {{ ref('export_amplitude__identifies') }}

)

select * from exported
where row_count = 0
