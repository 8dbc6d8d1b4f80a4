{# Trim, take the address out of `Name <address>`, drop `mailto:`, lowercase.
   Validity is judged separately by email_rejection_reason. #}
{% macro clean_email(expr) -%}
    {{ return(adapter.dispatch('clean_email', 'identity_stitching')(expr)) }}
{%- endmacro %}

{% macro default__clean_email(expr) -%}
    nullif(lower(trim(regexp_replace(
        trim(
            case
                when {{ expr }} like '%<%>%'
                    then regexp_extract({{ expr }}, '<([^>]*)>', 1)
                else {{ expr }}
            end
        ),
        '^(?i:mailto:)', ''
    ))), '')
{%- endmacro %}
