{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# The persons an erasure is about to change, as the last run left them:
   every other identifier of a person holding an erased identifier, with
   that person's ids. Read by name from int_identifiers_clustered before
   this run rebuilds it (the sweep runs after this model, staging after the
   sweep), so that privacy_erasure_splits can tell which identifiers the
   erasure moved to another person. Hashes and ids only. #}
{%- set clustered = last_build_relation('int_identifiers_clustered') %}
with

tombstones as (

    select * from {{ ref('privacy_erasure_tombstones') }}

),

{% if clustered is not none %}
clustered as (

    select
        identifier_id,
        person_id,
        device_id

    from {{ clustered }}

),

erased_persons as (

    select
        clustered.person_id,
        min(tombstones.request_id) as request_id

    from clustered
    inner join tombstones
        on clustered.identifier_id = tombstones.identifier_id
    group by 1

),

before_erasure as (

    select
        clustered.identifier_id,
        clustered.person_id,
        clustered.device_id,
        erased_persons.request_id

    from clustered
    inner join erased_persons
        on clustered.person_id = erased_persons.person_id
    left join tombstones
        on clustered.identifier_id = tombstones.identifier_id
    where tombstones.identifier_id is null

),
{% else %}
before_erasure as (

    select
        identifier_id,
        cast(null as varchar) as person_id,
        cast(null as varchar) as device_id,
        request_id

    from tombstones
    where false

),
{% endif %}

final as (

    select
        ---------- ids
        md5(
            identifier_id || '|' || person_id || '|'
            || '{{ invocation_id }}'
        ) as person_before_erasure_id,
        identifier_id,
        person_id,
        device_id,
        request_id,

        ---------- timestamps
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        ) as recorded_at

    from before_erasure

)

select * from final
