{# Why a property column would not reach Amplitude as written, or null when
   it is fine. `object_rule` is 'operations' ($identify: only user-property
   operations at the top level), 'plain' (no $-keys: Amplitude applies
   operations only on $identify) or 'any'. Checked on DuckDB: a JSON object,
   no null anywhere (the SDK drops top-level nulls and whole objects with a
   null in a list), no list inside a list, strings of at most 1024
   characters, no value that looks like an email address or a phone number
   (events never carry PII). Other adapters check only that it is an object. #}
{% macro amplitude_json_problem(expr, label, object_rule='plain') -%}
    {{ return(adapter.dispatch('amplitude_json_problem', 'identity_stitching')(expr, label, object_rule)) }}
{%- endmacro %}

{% macro duckdb__amplitude_json_problem(expr, label, object_rule) -%}
    case
        when {{ expr }} is null then null
        when json_type({{ expr }}) <> 'OBJECT' then '{{ label }} is not a JSON object'
        {%- if object_rule == 'operations' %}
        when len(json_keys({{ expr }})) = 0 then '{{ label }} holds no operation'
        when len(list_filter(
            json_keys({{ expr }}),
            lambda k: k not in ('$set', '$setOnce', '$add', '$append', '$prepend', '$unset', '$preInsert', '$postInsert', '$remove')
        )) > 0 then '{{ label }} of $identify holds a key that is not a user-property operation'
        {%- elif object_rule == 'plain' %}
        when len(list_filter(json_keys({{ expr }}), lambda k: k like '$%')) > 0
            then '{{ label }} holds a $-key outside $identify'
        {%- endif %}
        {#- the value-by-value checks below cost ~10 µs a row; a value can only
            fail them if its text holds 'null', two '[', '@', '+' and a digit,
            an escape or more than 1024 characters, which few rows do ('1000+'
            in a registration answer is not '+' and a digit). -#}
        when length(cast({{ expr }} as varchar)) <= 1024
            and not regexp_matches(cast({{ expr }} as varchar), '(?s)null|\[.*\[|@|\+[0-9]|\\')
            then null
        when list_contains(cast(json_extract({{ expr }}, '$..*') as varchar[]), 'null')
            then '{{ label }} holds a null'
        when len(list_filter(
            json_extract({{ expr }}, '$..*'),
            lambda v: json_type(v) = 'ARRAY'
                and list_contains(list_transform(json_extract(v, '$[*]'), lambda e: json_type(e)), 'ARRAY')
        )) > 0 then '{{ label }} holds a list inside a list'
        when len(list_filter(
            json_extract({{ expr }}, '$..*'),
            lambda v: json_type(v) = 'VARCHAR' and length(json_extract_string(v, '$')) > 1024
        )) > 0 then '{{ label }} holds a string longer than 1024 characters'
        when len(list_filter(
            json_extract({{ expr }}, '$..*'),
            lambda v: json_type(v) = 'VARCHAR'
                and (
                    regexp_matches(json_extract_string(v, '$'), '[^@\s]+@[^@\s]+\.[A-Za-z]{2,}')
                    or regexp_full_match(trim(json_extract_string(v, '$')), '\+[0-9][0-9 ().-]{6,}')
                )
        )) > 0 then '{{ label }} holds an email address or a phone number'
    end
{%- endmacro %}

{% macro default__amplitude_json_problem(expr, label, object_rule) -%}
    case
        when {{ expr }} is null then null
        when substr(trim(cast({{ expr }} as string)), 1, 1) <> '{' then '{{ label }} is not a JSON object'
    end
{%- endmacro %}
