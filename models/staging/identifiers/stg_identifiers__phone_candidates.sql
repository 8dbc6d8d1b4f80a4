{# Every distinct (raw phone, region hint) of every source, parsed once.
   Incremental on DuckDB: a run adds the pairs first seen in rows loaded
   since its last build (a removed file, or a changed seed, macro or var,
   rebuilds it), like stg_identifiers__emails. #}
{{ config(**incremental_chain_config(phone_source_models())) }}
{% set scope = incremental_scope() %}
with

zoom_rows as (

    select
        zoom_rows.phone as phone_raw,
        country_regions.region_code as region_hint

    from {{ engine_ref('base_zoom__attendee_report_rows') }} as zoom_rows
    left join {{ ref('country_regions') }} as country_regions
        on lower(trim(zoom_rows.country_region_name))
        = lower(country_regions.country_region_name)
    where zoom_rows.load_error is null
        and {{ loaded_since_scope(scope, 'zoom_rows._loaded_at') }}

),

call_rows as (

    select
        case
            when lower(direction) = 'outbound' then to_phone_number
            else from_phone_number
        end as phone_raw,
        cast(null as {{ dbt.type_string() }}) as region_hint

    from {{ engine_ref('base_ringcentral__call_log_rows') }}
    where load_error is null
        and {{ loaded_since_scope(scope) }}

),

user_rows as (

    select
        phone as phone_raw,
        cast(null as {{ dbt.type_string() }}) as region_hint

    from {{ engine_ref('base_app__user_rows') }}
    where load_error is null
        and {{ loaded_since_scope(scope) }}

),

touch_rows as (

    select
        phone as phone_raw,
        cast(null as {{ dbt.type_string() }}) as region_hint

    from {{ engine_ref('base_offline__touch_rows') }}
    where load_error is null
        and {{ loaded_since_scope(scope) }}

),

unioned as (

    select * from zoom_rows
    union all
    select * from call_rows
    union all
    select * from user_rows
    union all
    select * from touch_rows

),

hinted as (

    select distinct
        phone_raw,
        coalesce(
            region_hint, '{{ var("identity__default_phone_region") }}'
        ) as region_hint

    from unioned
    where nullif(trim(phone_raw), '') is not null

),

final as (

    select *
    from hinted
    {%- if scope.mode == 'append' %}
    where {{ absent_from_this('hinted', ['phone_raw', 'region_hint']) }}
    {%- endif %}

)

select * from final
