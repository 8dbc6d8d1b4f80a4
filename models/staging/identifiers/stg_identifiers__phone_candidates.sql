{# Every distinct (raw phone, region hint) of every source, parsed once.
   A table, rebuilt on every run: its incremental path saved nothing
   measurable (docs/incremental.md); the parse cache
   (stg_identifiers__phones_e164) is what spares the work. #}
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

    select * from hinted

)

select * from final
