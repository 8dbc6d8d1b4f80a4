{# A call-log duration in seconds: a whole number of seconds in every
   layout, h:mm:ss too where `is_portal` holds; null otherwise. #}
{% macro ringcentral_duration_seconds(expr, is_portal) -%}
    case
        when {{ sql_regex_full_match(expr, "'[0-9]+'") }}
            then {{ dbt.safe_cast(expr, dbt.type_int()) }}
        when {{ is_portal }}
            and {{ sql_regex_full_match(
                expr, "'[0-9]+:[0-5][0-9]:[0-5][0-9]'"
            ) }}
            then
                {{ dbt.safe_cast(
                    "split_part(" ~ expr ~ ", ':', 1)", dbt.type_int()
                ) }} * 3600
                + {{ dbt.safe_cast(
                    "split_part(" ~ expr ~ ", ':', 2)", dbt.type_int()
                ) }} * 60
                + {{ dbt.safe_cast(
                    "split_part(" ~ expr ~ ", ':', 3)", dbt.type_int()
                ) }}
    end
{%- endmacro %}
