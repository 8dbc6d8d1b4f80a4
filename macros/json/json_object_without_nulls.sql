{# A JSON object of the (key, expression) pairs whose value is not null.
   Amplitude's SDK drops null properties, so an export that kept them would
   not arrive as written. Values keep their SQL type (numbers stay numbers);
   an expression that is already JSON is embedded as an object. #}
{% macro json_object_without_nulls(pairs) -%}
    {{ return(adapter.dispatch('json_object_without_nulls', 'identity_stitching')(pairs)) }}
{%- endmacro %}

{% macro duckdb__json_object_without_nulls(pairs) -%}
    cast('{' || concat_ws(','
        {%- for key, expr in pairs %},
        case when ({{ expr }}) is not null
            then to_json({{ dbt.string_literal(key) }}) || ':' || to_json({{ expr }}) end
        {%- endfor %}
    ) || '}' as json)
{%- endmacro %}
