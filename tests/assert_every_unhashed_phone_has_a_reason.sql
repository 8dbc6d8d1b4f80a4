{# A staged row whose raw phone is not empty either carries the phone's
   hash or says why not (phone_rejection_reason), rejected rows included
   (quarantine shows the reason): a phone is never dropped in silence, e.g.
   by a staging model looking it up under another region than the lookup
   parsed it in. Rows the loader could not read (load_error) are not looked
   up. One failing row per such row of every registered source that
   carries a phone. #}
{{ config(enabled=target.type != 'spark') }}
{% set sources = registered_sources() | selectattr('phone') | list %}
with

{% for source in sources %}
{{ source.name }}_raw_phones as (

    select
        source_file,
        source_row_number,
        {{ source.phone }} as phone_raw

    from {{ ref(source.base_model) }}
    where load_error is null

),

{% endfor %}
unhashed as (

    {% for source in sources %}
    select
        '{{ source.name }}' as source_system,
        staged.source_file,
        staged.source_row_number

    from {{ ref(source.staging_model) }} as staged
    inner join {{ source.name }}_raw_phones as raw_phones
        on staged.source_file = raw_phones.source_file
        and staged.source_row_number = raw_phones.source_row_number
    where nullif(trim(raw_phones.phone_raw), '') is not null
        and staged.phone_sha256 is null
        and staged.phone_rejection_reason is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unhashed
