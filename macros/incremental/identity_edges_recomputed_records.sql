{#- A select of the records (record_id) whose edges an append of
    int_identity_edges recomputes: those int_identifiers_unioned rewrote,
    and those holding an identifier whose shared verdict changed since the
    model's last build (a shared identifier links nothing, so the record's
    star changes). Every record when the verdicts' read mark is unknown. -#}
{% macro identity_edges_recomputed_records(scope) %}
    {%- set shared_mark = incremental_read_mark(scope, 'shared_verdicts') -%}
    {{ identity_records_loaded_since(scope) }}

    union all

    select record_id
    from {{ ref('int_identifiers_unioned') }}
    {%- if shared_mark %}
    where identifier_id in (
        select identifier_id
        from {{ ref('int_identifiers') }}
        where _shared_changed_at > {{ shared_mark }}
    )
    {%- endif %}
{% endmacro %}
