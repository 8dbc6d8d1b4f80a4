{# Gmail ignores dots and +tags in the local part (as Google and UID2
   normalize); off by default because it changes every gmail hash. #}
{% macro canonicalize_email(cleaned) -%}
    {%- if var('identity__gmail_canonicalization') -%}
        case
            when split_part({{ cleaned }}, '@', 2) in ('gmail.com', 'googlemail.com')
                then replace(split_part(split_part({{ cleaned }}, '@', 1), '+', 1), '.', '')
                    || '@gmail.com'
            else {{ cleaned }}
        end
    {%- else -%}
        {{ cleaned }}
    {%- endif -%}
{%- endmacro %}
