{#- `mark` (a timestamp text recorded by a reader) as a SQL timestamp
    literal, when some row of `relation` is still marked at or after it in
    `column` (filled by monotonic_write_marker); none otherwise (no mark, or
    the relation was rebuilt with the clock set back): the reader must then
    read everything. -#}
{% macro reached_write_mark(relation, column, mark) %}
    {%- if not mark -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set literal = dbt.string_literal(mark) ~ '::timestamp' -%}
    {%- set found = run_query(
        'select coalesce(max(' ~ column ~ ') >= ' ~ literal ~ ', false) from ' ~ relation
    ) -%}
    {{ return(literal if found.columns[0].values()[0] else none) }}
{% endmacro %}
