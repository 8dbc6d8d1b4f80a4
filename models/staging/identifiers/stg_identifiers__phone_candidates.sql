{# Every distinct (raw phone, region hint) of every source, parsed once.
   Incremental on DuckDB: a run adds the pairs first seen in rows loaded
   since its last build (a removed file, or a changed seed, macro or var,
   rebuilds it), like stg_identifiers__emails. #}
{{ config(**incremental_chain_config(identifier_source_models('phone'))) }}
{% set scope = incremental_scope() %}
with

country_regions as (

    select * from {{ ref('country_regions') }}

),

{# the raw phone of every registered source that carries one, with the
   region its country column names, if it has one #}
unioned as (

    {% for source in registered_sources() if source.phone %}
    select
        {{ source.phone }} as phone_raw,
        {% if source.phone_country -%}
        country_regions.region_code as region_hint
        {%- else -%}
        cast(null as {{ dbt.type_string() }}) as region_hint
        {%- endif %}

    from {{ engine_ref(source.base_model, before_erasure=true) }} as source_rows
    {% if source.phone_country %}
    left join country_regions
        on lower(trim(source_rows.{{ source.phone_country }}))
        = lower(country_regions.country_region_name)
    {% endif %}
    where source_rows.load_error is null
        and {{ loaded_since_scope(scope, 'source_rows._loaded_at') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

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
