{# JSON text of a map of VARIANTs: numbers and booleans keep their type,
   strings are quoted, an as_json value (a VARIANT) is embedded as JSON. A
   SQL null is left out; an empty map is `{}`. #}
{% macro spark__json_object_without_nulls(pairs) -%}
    to_json(map_filter(
        map(
            {%- for key, expr in pairs %}
            {{ dbt.string_literal(dbt.escape_single_quotes(key)) }}, cast(({{ expr }}) as variant)
            {{- ',' if not loop.last }}
            {%- endfor %}
        ),
        (key, value) -> value is not null
    ))
{%- endmacro %}
