{#- A SQL condition for an append that adds only new keys: no row of this
    model's table has the same `columns` as the row `alias`. -#}
{% macro absent_from_this(alias, columns) %}
    not exists (
        select 1
        from {{ this }} as previous
        where
        {%- for column in columns %}
            {{ 'and ' if not loop.first }}previous.{{ column }} = {{ alias }}.{{ column }}
        {%- endfor %}
    )
{%- endmacro %}
