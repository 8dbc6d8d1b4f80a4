{# Why a cleaned email is not an address, or null when it is one (or when
   there is nothing to judge). Checks, in order: whitespace inside, not
   exactly one @, empty local part, empty domain, no dot in the domain, a
   domain starting or ending with a dot or with two dots in a row.
   Placeholders and blocklisted values are judged by the caller's join to
   the identifier_blocklist seed. #}
{% macro email_rejection_reason(cleaned) -%}
    case
        when {{ cleaned }} is null then null
        when {{ cleaned }} like '% %'
            or {{ cleaned }} like '%' || chr(9) || '%'
            or {{ cleaned }} like '%' || chr(10) || '%'
            or {{ cleaned }} like '%' || chr(13) || '%'
            then 'email: contains whitespace'
        when length({{ cleaned }}) - length(replace({{ cleaned }}, '@', '')) <> 1
            then 'email: must contain exactly one @'
        when {{ cleaned }} like '@%' then 'email: empty local part (nothing before the @)'
        when {{ cleaned }} like '%@' then 'email: empty domain (nothing after the @)'
        when split_part({{ cleaned }}, '@', 2) not like '%.%'
            then 'email: domain has no dot'
        when split_part({{ cleaned }}, '@', 2) like '.%'
            or split_part({{ cleaned }}, '@', 2) like '%.'
            or split_part({{ cleaned }}, '@', 2) like '%..%'
            then 'email: malformed domain (dot at an end or two dots in a row)'
    end
{%- endmacro %}
