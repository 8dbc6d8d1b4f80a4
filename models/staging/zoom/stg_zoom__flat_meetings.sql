{# The flat meeting export names no meeting: its key is the file's first
   join (to the second, UTC) and who joined then (the least name hash),
   which depend on content only, so a re-upload gives the same key. Rows
   that could not be loaded and waiting-room rows do not count. A table,
   rebuilt on every run (docs/incremental.md). #}
with

joins as (

    select *
    from {{ ref('stg_zoom__typed_report_rows') }}
    where report_kind = 'meeting_participants_flat'
        and load_error is null
        and not is_in_waiting_room

),

first_joins as (

    select
        source_file,
        min(joined_at) as first_joined_at

    from joins
    group by 1

),

first_joiners as (

    select
        joins.source_file,
        first_joins.first_joined_at,
        min({{ hash_identifier('joins.name_normalized') }})
            as first_joiner_sha256

    from joins
    inner join first_joins
        on joins.source_file = first_joins.source_file
        and joins.joined_at = first_joins.first_joined_at
    group by 1, 2

),

final as (

    select
        ---------- ids
        'first-join|'
        || {{ format_iso_timestamp('first_joined_at') }}
        || '|' || coalesce(first_joiner_sha256, '') as meeting_key,

        ---------- identifiers
        first_joiner_sha256,

        ---------- timestamps
        first_joined_at,

        ---------- provenance
        source_file

    from first_joiners

)

select * from final
