{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=['{{ erase_requested_identifiers() }}'],
) }}
{# The single place where an erasure reaches the data: every loaded row
   holding an erased email, phone or user_id, found through the staging
   lookups (the only place a raw value meets its hash). The post-hook
   (erase_requested_identifiers) then deletes those rows from the loaded
   tables (a product user's row loses only the erased email or phone, unless
   its user_id is erased) and the erased values from the lookups. Every
   reader of a loaded table (engine_ref) runs after this model, so staging
   and everything after it rebuild without those rows, as if their file had
   been removed. Append-only and kept on --full-refresh: a file loaded again
   (re-uploaded, --full-refresh) loses the same rows again, and any new row
   holding the value is found by its hash. Provenance only: no value. #}
-- depends_on: {{ ref('privacy_erased_export_rows') }}
-- depends_on: {{ ref('privacy_persons_before_erasure') }}
{# the lookups its post-hook cleans #}
-- depends_on: {{ ref('stg_identifiers__email_candidates') }}
-- depends_on: {{ ref('stg_identifiers__phone_candidates') }}
-- depends_on: {{ ref('stg_identifiers__phones_e164') }}
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
matches as (

    {% for source in registered_sources() %}
    select * from {{ source.name }}_matches
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

new_rows as (

    select matches.*
    from matches
    {% if is_incremental() %}
    left join {{ this }} as recorded
        on matches.source_system = recorded.source_system
        and matches.source_file = recorded.source_file
        and matches.source_file_sha256 = recorded.source_file_sha256
        and matches.source_row_number = recorded.source_row_number
    where recorded.source_file is null
    {% endif %}

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "source_system || '|' || source_file || '|' || source_file_sha256"
            ~ " || '|' || cast(source_row_number as varchar)"
        ) }} as erased_row_id,
        coalesce(user_id_request_id, email_request_id, phone_request_id)
            as request_id,

        ---------- strings
        {# a touch is an event of the erased person: it goes whole; a
           product user's row is the account: it goes whole only when its
           user_id is erased, else it loses the erased values #}
        case
            when not is_user_row or user_id_request_id is not null then 'row'
            else 'values'
        end as erased_scope,

        ---------- booleans
        email_request_id is not null as is_email_erased,
        phone_request_id is not null as is_phone_erased,

        ---------- timestamps
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        ) as erased_at,

        ---------- provenance
        source_system,
        source_file,
        source_file_sha256,
        source_row_number

    from new_rows

)

select * from final
