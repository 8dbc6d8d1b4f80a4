{#- Whether this incremental model's existing table has `column`: false on
    a first build, a --full-refresh, and for a table built before the column
    was added (on_schema_change adds it, empty, in this run). -#}
{% macro incremental_has_column(column) %}
    {%- if not execute or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {{ return(column | lower in names) }}
{% endmacro %}
