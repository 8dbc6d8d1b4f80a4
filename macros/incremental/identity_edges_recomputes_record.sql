{#- A SQL condition on a row of int_identifiers_unioned (its `record_id`):
    true in a rebuild; in an append of int_identity_edges, true for the
    records whose star it recomputes (identity_edges_recomputed_records).
    The refs declare, at parse time, the models that list reads in an
    append. -#}
{% macro identity_edges_recomputes_record(scope) %}
    {%- do ref('int_touches_unioned') -%}
    {%- do ref('stg_app__users') -%}
    {%- if scope.mode == 'append' -%}
        record_id in (
            {{ identity_edges_recomputed_records(scope) }}
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}
