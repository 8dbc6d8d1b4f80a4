{# identity_evidence_chain(identifier_id, max_hops): a query of the
   shortest chain of evidence from an identifier to its person's user (or,
   for a person without a user, to its anchor): one row per hop, in order,
   with the record that makes it and where that record came from. The SQL
   of `make explain`'s chain, for any engine the project runs on:

     dbt show --inline "{{ identity_evidence_chain(\"'email:<hash>'\") }}"

   identifier_id is a SQL expression (a quoted literal, a bind parameter).
   Two identifiers are one hop apart when a record links them through
   accepted evidence (int_identity_edges, minus identity_conflicts). The
   search is unrolled into max_hops levels, each reading only the level
   before it (Spark inlines CTEs), and keeps one row per identifier and
   level: the earliest record, then the smallest record_id, then the
   smallest identifier it came from, as identity_stitching.explain does. A
   chain longer than max_hops returns no row; explain has no such limit.
   max_hops defaults to 12, and to 4 on Spark: Spark inlines every CTE, so
   the plan grows with the square of max_hops (on the demo with a 2 GB
   driver, 4 ran and 12 ran out of heap while Spark analyzed the query). #}
{% macro identity_evidence_chain(identifier_id, max_hops=none) %}
{% set max_hops = max_hops or (4 if target.type == 'spark' else 12) %}
with

start_identifier as (

    select {{ identifier_id }} as identifier_id

),

members as (

    select
        clustered.identifier_id,
        clustered.identifier_type,
        clustered.anchor_identifier_id

    from {{ ref('int_identifiers_clustered') }} as clustered
    where clustered.person_id in (
        select person.person_id
        from {{ ref('int_identifiers_clustered') }} as person
        inner join start_identifier
            on person.identifier_id = start_identifier.identifier_id
    )

),

target as (

    select
        coalesce(
            max(case when identifier_type = 'user_id' then identifier_id end),
            max(anchor_identifier_id)
        ) as identifier_id

    from members

),

edges as (

    select
        edges.identifier_a_id,
        edges.identifier_b_id,
        edges.record_id,
        edges.observed_at

    from {{ ref('int_identity_edges') }} as edges
    where edges.evidence_kind <> 'self'
        and edges.identifier_a_id in (select identifier_id from members)
        and edges.identifier_b_id in (select identifier_id from members)
        and edges.edge_id not in (
            select conflict_id from {{ ref('identity_conflicts') }}
        )

),

record_members as (

    select
        record_id,
        identifier_a_id as identifier_id,
        observed_at
    from edges

    union

    select
        record_id,
        identifier_b_id as identifier_id,
        observed_at
    from edges

),

links as (

    select
        from_member.identifier_id as from_identifier_id,
        from_member.record_id,
        to_member.identifier_id as to_identifier_id,
        from_member.observed_at

    from record_members as from_member
    inner join record_members as to_member
        on from_member.record_id = to_member.record_id
    where from_member.identifier_id <> to_member.identifier_id

),

level_0 as (

    select
        identifier_id,
        cast(null as {{ dbt.type_string() }}) as from_identifier_id,
        cast(null as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_timestamp() }}) as observed_at,
        0 as hop_number,
        ',' || identifier_id || ',' as chain_path

    from start_identifier

),
{% for level in range(1, max_hops + 1) %}

level_{{ level }} as (

    select
        to_identifier_id as identifier_id,
        from_identifier_id,
        record_id,
        observed_at,
        {{ level }} as hop_number,
        chain_path || to_identifier_id || ',' as chain_path

    from (
        select
            links.*,
            previous.chain_path,
            row_number() over (
                partition by links.to_identifier_id
                order by
                    links.observed_at,
                    links.record_id,
                    links.from_identifier_id
            ) as rank_in_level

        from level_{{ level - 1 }} as previous
        inner join links
            on previous.identifier_id = links.from_identifier_id
    ) as reached
    where rank_in_level = 1

),
{% endfor %}

levels as (

    {% for level in range(0, max_hops + 1) -%}
    select * from level_{{ level }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# the target's first level: its distance, and the path that reached it #}
target_path as (

    select levels.chain_path
    from levels
    inner join target
        on levels.identifier_id = target.identifier_id
    where levels.hop_number = (
        select min(reached.hop_number)
        from levels as reached
        inner join target as reached_target
            on reached.identifier_id = reached_target.identifier_id
    )

),

{# a level's row is on the chain when its path starts the target's #}
chain as (

    select levels.*
    from levels
    inner join target_path
        on substr(target_path.chain_path, 1, length(levels.chain_path))
        = levels.chain_path
    where levels.hop_number > 0

),

touches as (

    select
        touch_id as record_id,
        source_system,
        source_file,
        source_row_number

    from {{ ref('int_touches_resolved') }}
    where touch_id in (select record_id from chain)

),

user_records as (

    select
        record_id,
        source_system,
        source_file,
        source_row_number

    from (
        select
            'user:' || user_id as record_id,
            source_system,
            source_file,
            source_row_number,
            row_number() over (
                partition by user_id
                order by created_at, source_file, source_row_number
            ) as row_rank

        from {{ ref('stg_app__users') }}
        where row_rejection_reason is null
            and 'user:' || user_id in (select record_id from chain)
    ) as ranked
    where row_rank = 1

),

final as (

    select
        chain.hop_number,
        chain.from_identifier_id,
        chain.record_id,
        chain.identifier_id as to_identifier_id,
        coalesce(touches.source_system, user_records.source_system)
            as source_system,
        coalesce(touches.source_file, user_records.source_file)
            as source_file,
        coalesce(touches.source_row_number, user_records.source_row_number)
            as source_row_number,
        chain.observed_at

    from chain
    left join touches
        on chain.record_id = touches.record_id
    left join user_records
        on chain.record_id = user_records.record_id

)

select * from final
order by hop_number
{% endmacro %}
