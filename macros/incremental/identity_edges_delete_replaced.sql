{#- Pre-hook of int_identity_edges (inside its transaction): before an
    append writes, delete the edges it replaces: those of the recomputed
    records, and the self-loops whose identifier is gone or changed node or
    first sighting (the append writes a self-loop for every identifier
    left without one). -#}
{% macro identity_edges_delete_replaced() %}
    {%- if execute and target.type == 'duckdb' and is_incremental()
        and incremental_scope().mode == 'append' -%}
        delete from {{ this }} as edges
        where (
            edges.evidence_kind <> 'self'
            and edges.record_id in (
                {{ identity_edges_recomputed_records(incremental_scope()) }}
            )
        )
        or (
            edges.evidence_kind = 'self'
            and not exists (
                select 1
                from {{ ref('int_identifiers') }} as identifiers
                where identifiers.identifier_id = edges.identifier_a_id
                    and identifiers.node_id = edges.node_a
                    and identifiers.first_seen_at
                    is not distinct from edges.observed_at
            )
        )
    {%- endif %}
{% endmacro %}
