{#-
    SQL expression: `number` (digits only) with the national (trunk) prefix
    removed the way libphonenumber's _maybe_strip_national_prefix_carrier_code
    does it. `metadata` is the column-name prefix of the region's metadata
    columns (as selected by parse_phone_numbers), `transform_rule_column` the
    metadata column holding the replacement in the target's syntax. A number
    that matched the region's general pattern keeps its prefix when stripping
    would break that match.
-#}
{% macro strip_national_prefix(number, metadata, transform_rule_column) %}
    {{ return(adapter.dispatch('strip_national_prefix')(number, metadata, transform_rule_column)) }}
{% endmacro %}

{% macro default__strip_national_prefix(number, metadata, transform_rule_column) -%}
{%- set prefix_pattern = "'^(?:' || " ~ metadata ~ "national_prefix_for_parsing || ')'" -%}
{%- set general_pattern = metadata ~ "general_pattern" -%}
{%- set group_count = metadata ~ "national_prefix_group_count" -%}
{%- set matched_prefix = sql_regex_extract(number, prefix_pattern, 0) -%}
{%- set stripped = "substr(" ~ number ~ ", length(" ~ matched_prefix ~ ") + 1)" -%}
{%- set transformed = sql_regex_replace(number, prefix_pattern, metadata ~ transform_rule_column, all_matches=false) -%}
{%- set last_group -%}
    case {{ group_count }}
        when 1 then {{ sql_regex_extract(number, prefix_pattern, 1) }}
        when 2 then {{ sql_regex_extract(number, prefix_pattern, 2) }}
        else ''
    end
{%- endset -%}
    case
        when {{ metadata }}national_prefix_for_parsing is null or {{ number }} = ''
            then {{ number }}
        when not {{ sql_regex_search(number, prefix_pattern) }}
            then {{ number }}
        when {{ metadata }}{{ transform_rule_column }} is null or ({{ last_group }}) = ''
            then
                case
                    when {{ sql_regex_full_match(number, general_pattern) }}
                        and not {{ sql_regex_full_match(stripped, general_pattern) }}
                        then {{ number }}
                    else {{ stripped }}
                end
        when {{ sql_regex_full_match(number, general_pattern) }}
            and not {{ sql_regex_full_match(transformed, general_pattern) }}
            then {{ number }}
        else {{ transformed }}
    end
{%- endmacro %}
