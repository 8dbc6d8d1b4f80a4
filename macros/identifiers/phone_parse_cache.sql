{#- The previous build of the phone parse table, to reuse its rows while it
    is rebuilt; none on the first build, on --full-refresh, on Spark (whose
    table materialization replaces the table it would be reading) and when
    the previous table predates parser_fingerprint. -#}
{% macro phone_parse_cache(relation) %}
    {%- if not execute or flags.FULL_REFRESH or target.type == 'spark' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set previous = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if previous is none or previous.type != 'table' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(previous) | map(attribute='name') | map('lower') | list -%}
    {{ return(previous if 'parser_fingerprint' in columns else none) }}
{% endmacro %}
