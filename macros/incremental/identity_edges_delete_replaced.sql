{#- Pre-hook of int_identity_edges (inside its transaction): before an
    append writes, delete the edges it replaces: those of the recomputed
    records, and the self-loops whose identifier is gone or changed node or
    first sighting (the append writes a self-loop for every identifier
    left without one). -#}
{% macro identity_edges_delete_replaced() %}
    {%- if not execute or target.type != 'duckdb' or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set scope = incremental_scope() -%}
    {%- if scope.mode == 'append' -%}
        delete from {{ this }} as edges
        where (
            edges.evidence_kind <> 'self'
            and edges.record_id in (
                {{ identity_edges_recomputed_records(scope) }}
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
