{# One row per person among the 20 holding the most identifiers, with what
   holds it together: the records (touches, the user's own record) that
   carry its identifiers, per source. Only the 20 persons' identifiers are
   joined to the evidence; still, a table: at 1M touches the query takes
   about a second, which a view would pay again in each of its two tests
   and in the report. #}
{{ config(materialized='table') }}
{% set largest_count = 20 %}
with

ranked as (

    select
        person_id,
        device_id,
        user_id,
        identifier_count,
        email_count,
        phone_count,
        touch_count,
        row_number() over (
            order by identifier_count desc, touch_count desc, person_id asc
        ) as size_rank

    from {{ ref('dim_persons') }}

),

largest as (

    select *
    from ranked
    where size_rank <= {{ largest_count }}

),

person_records as (

    select distinct
        largest.person_id,
        evidence.record_id,
        evidence.source_system

    from largest
    inner join {{ ref('int_identifiers_clustered') }} as person_identifiers
        on largest.person_id = person_identifiers.person_id
    inner join {{ ref('int_identifiers_unioned') }} as evidence
        on person_identifiers.identifier_id = evidence.identifier_id

),

source_records as (

    select
        person_id,
        source_system,
        count(*) as record_count

    from person_records
    group by 1, 2

),

person_sources as (

    select
        person_id,
        sum(record_count) as record_count,
        {# one value per source: distinct changes nothing, and it sorts #}
        {{ string_agg_distinct(
            "source_system || ' ' || cast(record_count as "
            ~ dbt.type_string() ~ ")",
            "', '",
        ) }} as records_by_source

    from source_records
    group by 1

),

final as (

    select
        ---------- ids
        largest.person_id,
        largest.device_id,
        largest.user_id,

        ---------- strings
        person_sources.records_by_source,

        ---------- numerics
        largest.size_rank,
        largest.identifier_count,
        largest.email_count,
        largest.phone_count,
        largest.touch_count,
        coalesce(person_sources.record_count, 0) as record_count

    from largest
    left join person_sources
        on largest.person_id = person_sources.person_id

)

select * from final
