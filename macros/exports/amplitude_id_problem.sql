{# Why an id would be refused or mangled by Amplitude (too short or long, on
   its invalid-id list, a slash), or null when it is fine. #}
{% macro amplitude_id_problem(expr, label) -%}
    case
        when {{ expr }} is null then null
        when length({{ expr }}) < 5 then '{{ label }} shorter than 5 characters'
        when length({{ expr }}) > 1024 then '{{ label }} longer than 1024 characters'
        when {{ expr }} like '%/%' then '{{ label }} contains a slash'
        when lower({{ expr }}) in (
            select lower(identifier_value)
            from {{ ref('identifier_blocklist') }}
            where identifier_type in ('any', 'user_id', 'device_id')
        ) then '{{ label }} is on the blocklist'
        when {{ expr }} in (
            select {{ hash_identifier('lower(identifier_value)') }}
            from {{ ref('identifier_blocklist') }}
        ) or {{ expr }} = {{ hash_identifier("''") }}
            then '{{ label }} is the hash of an empty or placeholder value'
    end
{%- endmacro %}
