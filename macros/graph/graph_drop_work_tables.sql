{% macro graph_drop_work_tables(target_relation, work_relations) %}
    {#- Cleanup of the materialization, at the end and before it fails on
        purpose (guard, rejected ids): drops the work tables and, where they
        are connection-scoped (DuckDB temporary tables), logs which of the
        model's work tables are still there on this connection, so that
        tests can check the cleanup from dbt's log. -#}
    {%- do graph_drop_relations(work_relations) -%}
    {%- set leftover = graph_leftover_work_tables(target_relation) -%}
    {%- if leftover is not none -%}
        {{ log("connected_components " ~ target_relation
            ~ ": work tables left after cleanup: " ~ leftover | length
            ~ " [" ~ leftover | join(', ') ~ "]") }}
    {%- endif -%}
{% endmacro %}
