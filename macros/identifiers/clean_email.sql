{# Trim whitespace (spaces, tabs, line breaks), take the address out of
   `Name <address>`, drop a leading `mailto:` (any case), lowercase; null
   when nothing is left. Validity is judged separately by
   email_rejection_reason, so a cleaned value is not yet an address. #}
{% macro clean_email(expr) -%}
    {{ return(adapter.dispatch('clean_email', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__clean_email(expr) -%}
    {#- chr() instead of \s: Spark and DuckDB read backslashes in string
        literals differently -#}
    {%- set blanks = "'[ ' || chr(9) || chr(10) || chr(13) || ']+'" -%}
    {%- set address -%}
        case
            when {{ expr }} like '%<%>%'
                then regexp_extract({{ expr }}, '<([^>]*)>', 1)
            else {{ expr }}
        end
    {%- endset -%}
    {%- set without_mailto -%}
        regexp_replace(
            regexp_replace(regexp_replace({{ address }}, '^' || {{ blanks }}, ''), {{ blanks }} || '$', ''),
            '^(?i:mailto:)', ''
        )
    {%- endset -%}
    nullif(lower(
        regexp_replace(regexp_replace({{ without_mailto }}, '^' || {{ blanks }}, ''), {{ blanks }} || '$', '')
    ), '')
{%- endmacro %}
