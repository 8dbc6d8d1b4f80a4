{# The offline-touch rows typed and judged. A view: stg_offline__touches
   reads from it only the rows of its incremental scope. #}
{{ config(materialized='view') }}
with

touch_rows as (

    select * from {{ engine_ref('base_offline__touch_rows') }}

),

typed as (

    select
        *,
        {{ parse_iso_timestamp('occurred_at') }} as occurred_at_utc,
        coalesce(nullif(trim(properties), ''), '{}') as properties_given

    from touch_rows

),

{# properties the touch can do without: one that is not a JSON object is
   dropped (the touch keeps `{}`) and named in value_rejection_reason #}
checked as (

    select
        *,
        {{ is_json_object('properties_given') }} as is_properties_object,
        case
            when {{ is_json_object('properties_given') }}
                then properties_given
            else '{}'
        end as properties_text

    from typed

),

final as (

    select
        *,
        case
            when load_error is not null then load_error
            when nullif(trim(touch_id), '') is null then 'touch_id missing'
            when nullif(trim(source), '') is null then 'source missing'
            when nullif(trim(event_type), '') is null then 'event_type missing'
            when occurred_at_utc is null
                then 'occurred_at is not an ISO-8601 timestamp'
        end as row_rejection_reason,
        nullif(concat_ws(
            '; ',
            {{ json_object_as_text('value_errors') }},
            case
                when not is_properties_object
                    then 'properties: not a JSON object; dropped'
            end
        ), '') as value_rejection_reason

    from checked

)

select * from final
