{# Why an id would be refused, dropped or mangled by Amplitude, or null when
   it is fine: too short (the default min_id_length 5) or too long (strings
   over 1024 characters are truncated), surrounding whitespace, a slash, all
   zeros (Amplitude drops all-zero device ids), on the invalid-id list or the
   project blocklist (case-insensitive), or the hash of an empty or
   placeholder value (a device_id made from a bad upstream value). #}
{% macro amplitude_id_problem(expr, label) -%}
    case
        when {{ expr }} is null then null
        when length({{ expr }}) < 5 then '{{ label }} shorter than 5 characters'
        when length({{ expr }}) > 1024 then '{{ label }} longer than 1024 characters'
        when {{ expr }} <> trim({{ expr }}) then '{{ label }} has surrounding whitespace'
        when {{ expr }} like '%/%' then '{{ label }} contains a slash'
        when replace(replace({{ expr }}, '0', ''), '-', '') = '' then '{{ label }} is all zeros'
        when lower({{ expr }}) in (
            select lower(identifier_value)
            from {{ ref('identifier_blocklist') }}
            where identifier_type in ('any', 'user_id', 'device_id')
        ) then '{{ label }} is on the blocklist'
        when lower({{ expr }}) in (
            select {{ hash_identifier('lower(identifier_value)') }}
            from {{ ref('identifier_blocklist') }}
        ) or lower({{ expr }}) = {{ hash_identifier("''") }}
            then '{{ label }} is the hash of an empty or placeholder value'
    end
{%- endmacro %}
