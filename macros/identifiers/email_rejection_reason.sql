{# Why a cleaned email is not an address, or null when it is one.
   Placeholders and blocklisted values are handled by the caller's join to
   the identifier_blocklist seed. #}
{% macro email_rejection_reason(cleaned) -%}
    case
        when {{ cleaned }} is null then null
        when {{ cleaned }} like '% %' or {{ cleaned }} like '%' || chr(9) || '%'
            then 'email: contains whitespace'
        when length({{ cleaned }}) - length(replace({{ cleaned }}, '@', '')) <> 1
            then 'email: must contain exactly one @'
        when {{ cleaned }} like '@%' then 'email: empty local part'
        when split_part({{ cleaned }}, '@', 2) not like '%.%'
            then 'email: domain has no dot'
        when split_part({{ cleaned }}, '@', 2) like '.%'
            or split_part({{ cleaned }}, '@', 2) like '%.'
            or split_part({{ cleaned }}, '@', 2) like '%..%'
            then 'email: malformed domain'
    end
{%- endmacro %}
