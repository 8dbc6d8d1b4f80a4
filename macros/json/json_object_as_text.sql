{# A flat JSON object of text values (as the loaders write value_errors) as
   one line a person reads: `key: value; key: value`, null for null. #}
{% macro json_object_as_text(expr) -%}
    {{ return(adapter.dispatch('json_object_as_text', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__json_object_as_text(expr) -%}
    array_to_string(list_transform(
        map_entries(from_json(cast({{ expr }} as json), '"MAP(VARCHAR, VARCHAR)"')),
        lambda entry: entry.key || ': ' || entry.value
    ), '; ')
{%- endmacro %}

{% macro spark__json_object_as_text(expr) -%}
    array_join(transform(
        map_entries(from_json({{ expr }}, 'map<string,string>')),
        entry -> concat(entry.key, ': ', entry.value)
    ), '; ')
{%- endmacro %}
