{{ config(materialized='ephemeral') }}
{# Every loaded row (base_*) holding an erased email, phone or user_id, as
   the loaders left it this run: the rows privacy_erasure_sweep records.
   An erased email or phone is found by its raw value, through the staging
   lookups (the only place a raw value meets its hash); a user_id by its
   hash. Ephemeral: it is part of the sweep's statement, which reads the
   loaded rows before its post-hook deletes them (and a view must not hash:
   hash_identifier). Provenance only: no value leaves this query. #}
{% set default_region = var('identity__default_phone_region') %}
with

tombstones as (

    select * from {{ ref('privacy_erasure_tombstones') }}

),

erased_emails as (

    select
        emails.email_raw,
        min(tombstones.request_id) as request_id

    from {{ ref('stg_identifiers__emails') }} as emails
    inner join tombstones
        on tombstones.identifier_id = 'email:' || emails.email_sha256
    group by 1

),

erased_phones as (

    select
        phones.phone_raw,
        phones.region_hint,
        min(tombstones.request_id) as request_id

    from {{ ref('stg_identifiers__phones') }} as phones
    inner join tombstones
        on tombstones.identifier_id = 'phone:' || phones.phone_sha256
    group by 1, 2

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

{% for source in registered_sources() %}
{{ source.name }}_values as (

    select
        source_file,
        source_file_sha256,
        source_row_number,
        {{ source.email or 'cast(null as varchar)' }} as email_raw,
        {{ source.phone or 'cast(null as varchar)' }} as phone_raw,
        {{ source.phone_country or 'cast(null as varchar)' }} as phone_country,
        {{ 'trim(user_id)' if not source.touch_model
            else 'cast(null as varchar)' }} as user_id

    from {{ ref(source.base_model) }}
    {# no erasure yet: nothing to look for (the usual run) #}
    where {{ 'true' if erasure_has_tombstones() else 'false' }}

),

{{ source.name }}_matches as (

    select
        '{{ source.name }}' as source_system,
        loaded.source_file,
        loaded.source_file_sha256,
        loaded.source_row_number,
        by_email.request_id as email_request_id,
        by_phone.request_id as phone_request_id,
        by_user.request_id as user_id_request_id,
        {{ 'false' if source.touch_model else 'true' }} as is_user_row

    from {{ source.name }}_values as loaded
    left join country_regions
        on lower(trim(loaded.phone_country))
        = lower(country_regions.country_region_name)
    left join erased_emails as by_email
        on loaded.email_raw = by_email.email_raw
    left join erased_phones as by_phone
        on loaded.phone_raw = by_phone.phone_raw
        and coalesce(country_regions.region_code, '{{ default_region }}')
        = by_phone.region_hint
    left join tombstones as by_user
        on by_user.identifier_type = 'user_id'
        and {{ hash_identifier('loaded.user_id') }}
        = by_user.identifier_sha256
    where by_email.email_raw is not null
        or by_phone.phone_raw is not null
        or by_user.identifier_id is not null

),

{% endfor %}
final as (

    {% for source in registered_sources() %}
    select * from {{ source.name }}_matches
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
