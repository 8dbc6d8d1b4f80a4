{#- A SQL condition on the row `alias` of int_identifiers: int_identity_edges
    holds no self-loop of that identifier. True in a rebuild (the table
    starts empty); in an append, true for the identifiers whose self-loop
    the pre-hook deleted (identity_edges_delete_replaced) or that never had
    one. -#}
{% macro identity_edges_lacks_self_loop(scope, alias) %}
    {%- if scope.mode == 'append' -%}
        not exists (
            select 1
            from {{ this }} as previous
            where previous.evidence_kind = 'self'
                and previous.identifier_a_id = {{ alias }}.identifier_id
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}
