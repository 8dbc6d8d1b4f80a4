{# Gmail ignores dots and +tags in the local part, so with var
   identity__gmail_canonicalization on, a gmail.com or googlemail.com address
   loses them and takes the gmail.com domain (as Google normalizes; UID2 does
   the same for gmail.com). Off by default because it changes every gmail
   hash. Only a value with exactly one @ is touched, so an invalid value
   stays invalid. The var may be a boolean or 'true'/'false' from --vars. #}
{% macro canonicalize_email(cleaned) -%}
    {%- set enabled = var('identity__gmail_canonicalization', false) -%}
    {%- if enabled is string -%}
        {%- set enabled = enabled | lower in ('true', '1', 'yes', 'on') -%}
    {%- endif -%}
    {%- if enabled -%}
        case
            when split_part({{ cleaned }}, '@', 2) in ('gmail.com', 'googlemail.com')
                and length({{ cleaned }}) - length(replace({{ cleaned }}, '@', '')) = 1
                then replace(split_part(split_part({{ cleaned }}, '@', 1), '+', 1), '.', '')
                    || '@gmail.com'
            else {{ cleaned }}
        end
    {%- else -%}
        {{ cleaned }}
    {%- endif -%}
{%- endmacro %}
