{% macro spark__is_json_object(expr) -%}
    coalesce(schema_of_variant(try_parse_json({{ expr }})) like 'OBJECT%', false)
{%- endmacro %}
