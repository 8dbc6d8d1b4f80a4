{# True when the text is a valid JSON object, false otherwise (never null). #}
{% macro is_json_object(expr) -%}
    {{ return(adapter.dispatch('is_json_object', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__is_json_object(expr) -%}
    (coalesce(json_valid({{ expr }}), false)
        and coalesce(json_type(try_cast({{ expr }} as json)) = 'OBJECT', false))
{%- endmacro %}
