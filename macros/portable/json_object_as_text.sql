{# The entries of a JSON object of text values (a loader's value_errors:
   column -> reason) as one line of text, `key: value` joined by `; `, in the
   object's order; null when the object is null. #}
{% macro json_object_as_text(expr) -%}
    {{ return(adapter.dispatch('json_object_as_text', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__json_object_as_text(expr) -%}
    array_to_string(list_transform(
        map_entries(json_transform({{ expr }}, '"MAP(VARCHAR, VARCHAR)"')),
        lambda entry: struct_extract(entry, 'key') || ': '
            || struct_extract(entry, 'value')
    ), '; ')
{%- endmacro %}

{% macro spark__json_object_as_text(expr) -%}
    concat_ws('; ', transform(
        map_entries(from_json({{ expr }}, 'map<string,string>')),
        entry -> concat(entry.key, ': ', entry.value)
    ))
{%- endmacro %}
