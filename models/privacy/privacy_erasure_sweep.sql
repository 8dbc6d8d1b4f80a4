{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=['{{ erase_requested_identifiers() }}'],
) }}
{# The single place where an erasure reaches the data: it records, once,
   every loaded row holding an erased email, phone or user_id
   (privacy_loaded_rows_matched). The post-hook (erase_requested_identifiers) then
   deletes those rows from the loaded tables (a product user's row loses
   only the erased email or phone, unless its user_id is erased) and the
   erased values from the lookups. Every reader of a loaded table
   (engine_ref) runs after this model, so staging and everything after it
   rebuild without those rows, as if their file had been removed.
   Append-only and kept on --full-refresh: a file loaded again (re-uploaded,
   --full-refresh) loses the same rows again, and any new row holding the
   value is found by its hash. Provenance only: no value. #}
-- depends_on: {{ ref('privacy_erased_export_rows') }}
-- depends_on: {{ ref('privacy_persons_before_erasure') }}
{# what its post-hook cleans (the loaded tables, the lookups) and reads #}
{% for source in registered_sources() %}
-- depends_on: {{ ref(source.base_model) }}
{% endfor %}
-- depends_on: {{ ref('stg_identifiers__email_candidates') }}
-- depends_on: {{ ref('stg_identifiers__emails') }}
-- depends_on: {{ ref('stg_identifiers__phone_candidates') }}
-- depends_on: {{ ref('stg_identifiers__phones_e164') }}
-- depends_on: {{ ref('stg_identifiers__phones') }}
-- depends_on: {{ ref('privacy_erasure_tombstones') }}
with

matched as (

    select * from {{ ref('privacy_loaded_rows_matched') }}

),

new_rows as (

    select *
    from matched
    {%- if is_incremental() %}
    where {{ absent_from_this('matched', [
        'source_system', 'source_file', 'source_file_sha256',
        'source_row_number',
    ]) }}
    {%- endif %}

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
