{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}
{# Append-only and kept on --full-refresh: an erasure, once read, holds for
   every later run, even when its request file is removed. Only the hash of
   each identifier is kept, which is all the sweep needs to recognize it in
   any later file (macros/privacy/erase_requested_identifiers.sql). #}
with

requests as (

    select * from {{ ref('privacy_erasure_requests') }}
    where row_rejection_reason is null

),

identifiers as (

    {% for kind in ['email', 'phone', 'user_id'] %}
    select
        '{{ kind }}' as identifier_type,
        {{ kind }}_sha256 as identifier_sha256,
        request_id,
        requested_at

    from requests
    where {{ kind }}_sha256 is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# the earliest request naming an identifier is the one it is erased by #}
first_requests as (

    select
        identifier_type,
        identifier_sha256,
        min(requested_at) as requested_at,
        min_by(request_id, requested_at) as request_id

    from identifiers
    group by 1, 2

),

new_tombstones as (

    select first_requests.*
    from first_requests
    {% if is_incremental() %}
    left join {{ this }} as recorded
        on first_requests.identifier_type = recorded.identifier_type
        and first_requests.identifier_sha256 = recorded.identifier_sha256
    where recorded.identifier_id is null
    {% endif %}

),

final as (

    select
        ---------- ids
        identifier_type || ':' || identifier_sha256 as identifier_id,
        request_id,

        ---------- identifiers (hashes only)
        identifier_type,
        identifier_sha256,

        ---------- strings
        '{{ invocation_id }}' as tombstoned_by_invocation_id,

        ---------- timestamps
        requested_at,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        ) as tombstoned_at

    from new_tombstones

)

select * from final
