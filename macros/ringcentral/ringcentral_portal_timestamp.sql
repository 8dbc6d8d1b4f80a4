{# The admin portal / app download's Date (its weekday dropped) and Time,
   read in the account's time zone (var identity__ringcentral_timezone), as
   a UTC timestamp; null when they do not parse. #}
{% macro ringcentral_portal_timestamp(date_expr, clock_expr) -%}
    {%- set formats = [
        '%m/%d/%Y %I:%M %p',
        '%m/%d/%Y %I:%M:%S %p',
        '%m/%d/%Y %H:%M',
        '%m/%d/%Y %H:%M:%S',
    ] -%}
    {%- set local_text = sql_regex_replace(
        'trim(' ~ date_expr ~ ')', "'^[A-Za-z]+,? +'", "''", all_matches=false
    ) ~ " || ' ' || trim(" ~ clock_expr ~ ")" -%}
    {{ parse_local_timestamp(
        local_text, formats, var('identity__ringcentral_timezone')
    ) }}
{%- endmacro %}
