{#- A person's name as the graph compares it: trimmed, lowercased, empty as
    null. Every source's names go through here (then hash_identifier). -#}
{% macro normalize_name(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}
