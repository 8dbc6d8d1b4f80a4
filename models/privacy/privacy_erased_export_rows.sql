{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
    post_hook=['{{ erase_export_rows() }}'],
) }}
{# The exported rows that belong to an erased identifier
   (privacy_export_rows_matched), each recorded once. Append-only and kept
   on --full-refresh: the post-hook (erase_export_rows) deletes every row
   listed here from the export relations, before the gate runs, so a
   listed row is never pushed, and privacy_amplitude_deletions lists its
   ids for Amplitude. #}
with

matched as (

    select * from {{ ref('privacy_export_rows_matched') }}

),

new_rows as (

    select *
    from matched
    {%- if is_incremental() %}
    where {{ absent_from_this(
        'matched', ['export_kind', 'insert_id', 'update_time_column']
    ) }}
    {%- endif %}

),

final as (

    select
        ---------- ids
        {{ hash_identifier(
            "export_kind || '|' || insert_id || '|' || "
            ~ "cast(update_time_column as varchar)"
        ) }} as erased_export_row_id,
        insert_id,
        device_id,
        user_id,
        request_id,

        ---------- strings
        export_kind,

        ---------- timestamps
        update_time_column,
        cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
            as timestamp
        ) as erased_at

    from new_rows

)

select * from final
