{#-
    parse_phone_numbers(input_relation)

    A SELECT (with its own CTEs, so it can be the body of a caller's CTE)
    over a relation with columns phone_raw and region_hint that returns one
    row per distinct (phone_raw, region_hint):
        phone_raw, region_hint, phone_e164, phone_rejection_reason
    It follows libphonenumber's parse(phone_raw, region) + is_valid_number
    + format(E164), using the metadata seed phone_region_metadata. The region
    is region_hint when present, else var('identity__default_phone_region').
-#}
{% macro parse_phone_numbers(input_relation) %}
    {{ return(adapter.dispatch('parse_phone_numbers')(input_relation)) }}
{% endmacro %}

{#- Spark's regexp_replace writes group references as $1, not \1. Spark
    keeps reading the validity patterns from the metadata columns: measured
    equal to phonenumbers that way, and its plans stay small. -#}
{% macro spark__parse_phone_numbers(input_relation) %}
    {{ return(default__parse_phone_numbers(
        input_relation,
        transform_rule_column='national_prefix_transform_rule_java',
        inline_validity_patterns=false,
    )) }}
{% endmacro %}

{#- inline_validity_patterns: write each region's validity patterns into
    the SQL as literals. An engine compiles a regex given as a column value
    again for every row, which made validity 80% of the parse; a literal is
    compiled once. -#}
{% macro default__parse_phone_numbers(
    input_relation,
    transform_rule_column='national_prefix_transform_rule',
    inline_validity_patterns=true
) %}
{%- set default_region = var('identity__default_phone_region', 'US') | upper | replace("'", "") -%}
{%- set string_type = dbt.type_string() -%}
{%- set int_type = dbt.type_int() -%}
{%- set number_types = [
    'premium_rate', 'toll_free', 'shared_cost', 'voip', 'personal_number',
    'pager', 'uan', 'voicemail', 'fixed_line', 'mobile',
] -%}
{%- set validity_patterns = phone_validity_patterns(number_types) if inline_validity_patterns and execute else none -%}
{%- set metadata_strings = [
    'region_code', 'leading_digits', 'international_prefix',
    'national_prefix_for_parsing', 'national_prefix_transform_rule',
    'national_prefix_transform_rule_java', 'general_pattern',
    'general_possible_lengths', 'general_local_only_lengths',
] -%}
{%- set metadata_ints = [
    'country_code', 'region_order', 'country_code_region_count',
    'national_prefix_group_count', 'general_min_length', 'general_max_length',
] -%}
{#- libphonenumber's punctuation, extension and viability patterns (ASCII digits). -#}
{%- set punctuation = "-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000()\uff08\uff09\uff3b\uff3d.\\[\\]/~\u2053\u223c\uff5e" -%}
{%- set ext_sep = "[ \u00a0\t,]*" -%}
{%- set ext_after_label = "[:.\uff0e]?[ \u00a0\t,-]*" -%}
{%- set extension = ";ext=[0-9]{1,20}"
    ~ "|" ~ ext_sep ~ "(?:e?xt(?:ensi(?:o\u0301?|\u00f3))?n?|\uff45?\uff58\uff54\uff4e?|\u0434\u043e\u0431|anexo)" ~ ext_after_label ~ "[0-9]{1,20}#?"
    ~ "|" ~ ext_sep ~ "(?:[x\uff58#\uff03~\uff5e]|int|\uff49\uff4e\uff54)" ~ ext_after_label ~ "[0-9]{1,9}#?"
    ~ "|[- ]+[0-9]{1,6}#"
    ~ "|[ \u00a0\t]*(?:,{2}|;)" ~ ext_after_label ~ "[0-9]{1,15}#?"
    ~ "|[ \u00a0\t]*(?:,)+" ~ ext_after_label ~ "[0-9]{1,9}#?" -%}
{%- set viable_pattern = sql_regex_literal(
    "(?i)^(?:[0-9]{2}|[+\uff0b]*(?:[" ~ punctuation ~ "*]*[0-9]){3,}[" ~ punctuation ~ "*A-Za-z0-9]*)(?:" ~ extension ~ ")?$"
) -%}
{#- fullwidth, Arabic-Indic and extended Arabic-Indic digits count as digits -#}
{%- set raw_text = "translate(coalesce(phone_raw, ''), '０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹', '012345678901234567890123456789')" -%}
{%- set extension_pattern = sql_regex_literal("(?i)(?:" ~ extension ~ ")$") -%}
with

phone__metadata as (

    select
        {%- for column in metadata_strings %}
        case when {{ column }} in ('', 'None') then null else {{ column }} end as {{ column }},
        {%- endfor %}
        {%- for column in metadata_ints %}
        cast(case when {{ column }} in ('', 'None') then null else {{ column }} end as {{ int_type }}) as {{ column }},
        {%- endfor %}
        {%- for number_type in number_types %}
        case when {{ number_type }}_pattern in ('', 'None') then null else {{ number_type }}_pattern end as {{ number_type }}_pattern,
        case when {{ number_type }}_possible_lengths in ('', 'None') then null else {{ number_type }}_possible_lengths end as {{ number_type }}_possible_lengths,
        {%- endfor %}
        is_main_country_for_code = 'true' as is_main_country_for_code

    from {{ ref('phone_region_metadata') }}

),

phone__country_codes as (

    select
        country_code,
        cast(country_code as {{ string_type }}) as country_code_text,
        region_code as main_region_code

    from phone__metadata
    where is_main_country_for_code

),

phone__inputs as (

    select distinct
        phone_raw,
        region_hint

    from {{ input_relation }}

),

phone__texts as (

    select
        phone_raw,
        region_hint,
        upper(coalesce(nullif(trim(region_hint), ''), '{{ default_region }}')) as parse_region,
        {{ raw_text }} as raw_text,
        {{ dbt.position("';phone-context='", raw_text) }} as phone_context_position,
        {{ dbt.position("'tel:'", raw_text) }} as tel_prefix_position

    from phone__inputs

),

phone__contexts as (

    {#- RFC 3966: the number is '<phone-context if global>' + what sits between 'tel:' and ';phone-context=' -#}
    select
        *,
        case
            when phone_context_position > 0
                then {{ sql_regex_extract(
                    "substr(raw_text, phone_context_position + 15)", "'^[^;]*'", 0) }}
        end as phone_context,
        case
            when phone_context_position > 0
                then substr(
                    raw_text,
                    case when tel_prefix_position > 0 then tel_prefix_position + 4 else 1 end,
                    greatest(
                        0,
                        phone_context_position
                        - case when tel_prefix_position > 0 then tel_prefix_position + 4 else 1 end
                    )
                )
        end as phone_context_body

    from phone__texts

),

phone__extracted as (

    {#- libphonenumber _build_national_number_for_parsing: _extract_possible_number + ';isub=' removal -#}
    select
        phone_raw,
        region_hint,
        parse_region,
        length(raw_text) as raw_length,
        {{ sql_regex_search('raw_text', "'[0-9]'") }} as has_digits,
        phone_context_position > 0
            and not {{ sql_regex_full_match('phone_context', sql_regex_literal(
                "[+][-.()0-9]*[0-9][-.()0-9]*|([A-Za-z0-9]+(-*[A-Za-z0-9])*[.])*[A-Za-z]+(-*[A-Za-z0-9])*[.]?")) }}
            as has_invalid_phone_context,
        case
            when phone_context_position > 0
                then case when phone_context like '+%' then phone_context else '' end || phone_context_body
            else {{ sql_regex_replace(
                sql_regex_replace(
                    sql_regex_extract('raw_text', sql_regex_literal("(?s)[+\uff0b0-9].*"), 0),
                    sql_regex_literal("[^#\\p{L}\\p{N}]+$"), "''", all_matches=false),
                sql_regex_literal("(?s)[\\\\/] *x.*$"), "''", all_matches=false) }}
        end as number_for_parsing

    from phone__contexts

),

phone__subaddress_removed as (

    select
        *,
        case
            when {{ dbt.position("';isub='", 'number_for_parsing') }} > 1
                then substr(number_for_parsing, 1, {{ dbt.position("';isub='", 'number_for_parsing') }} - 1)
            else number_for_parsing
        end as candidate

    from phone__extracted

),

phone__extension_split as (

    select
        *,
        {{ sql_regex_extract('candidate', extension_pattern, 0) }} as extension_text

    from phone__subaddress_removed

),

phone__viable as (

    select
        *,
        length(candidate) >= 2 and {{ sql_regex_search('candidate', viable_pattern) }} as is_viable,
        case
            when extension_text <> ''
                and length(candidate) - length(extension_text) >= 2
                and {{ sql_regex_search(
                    "substr(candidate, 1, length(candidate) - length(extension_text))",
                    viable_pattern) }}
                then substr(candidate, 1, length(candidate) - length(extension_text))
            else candidate
        end as number_text

    from phone__extension_split

),

phone__normalized as (

    {#- _normalize: keypad letters become digits when there are 3+ letters -#}
    select
        *,
        {{ sql_regex_search('number_text', "'^[+\uff0b]'") }} as has_plus,
        {{ sql_regex_replace(
            "case
                when length(" ~ sql_regex_replace('number_text', "'[^A-Za-z]'", "''") ~ ") >= 3
                    then translate(lower(number_text), 'abcdefghijklmnopqrstuvwxyz', '22233344455566677778889999')
                else number_text
            end",
            "'[^0-9]'", "''") }} as digits

    from phone__viable

),

phone__hint_metadata as (

    select
        phone__normalized.*,
        hint.region_code as hint_region_code,
        hint.country_code as hint_country_code,
        hint.international_prefix as hint_international_prefix,
        hint.national_prefix_for_parsing as hint_national_prefix_for_parsing,
        hint.national_prefix_group_count as hint_national_prefix_group_count,
        hint.{{ transform_rule_column }} as hint_{{ transform_rule_column }},
        hint.general_pattern as hint_general_pattern,
        hint.general_max_length as hint_general_max_length,
        hint.general_local_only_lengths as hint_general_local_only_lengths,
        case
            when hint.international_prefix is null then ''
            else {{ sql_regex_extract('digits', "'^(?:' || hint.international_prefix || ')'", 0) }}
        end as idd_text

    from phone__normalized
    left join phone__metadata as hint
        on phone__normalized.parse_region = hint.region_code
        and hint.region_code <> '001'

),

phone__plus_coded as (

    select
        phone__hint_metadata.*,
        plus_code.country_code as plus_country_code,
        idd_text <> '' and substr(digits, length(idd_text) + 1, 1) <> '0' as has_idd

    from phone__hint_metadata
    left join phone__country_codes as plus_code
        on phone__hint_metadata.has_plus
        and phone__hint_metadata.digits not like '0%'
        and substr(phone__hint_metadata.digits, 1, length(plus_code.country_code_text))
            = plus_code.country_code_text

),

phone__sourced as (

    {#-
        _maybe_strip_i18n_prefix_and_normalize: where the country code comes
        from. A '+' number without a known country code is retried without
        the '+' (so '+0044...' works through the IDD prefix), as parse does.
    -#}
    select
        *,
        case
            when has_plus and (length(digits) <= 2 or plus_country_code is not null) then 'plus'
            when has_idd then 'idd'
            when has_plus then 'plus'
            else 'default'
        end as country_code_source,
        case
            when has_plus and (length(digits) <= 2 or plus_country_code is not null) then digits
            when has_idd then substr(digits, length(idd_text) + 1)
            else digits
        end as full_number

    from phone__plus_coded

),

phone__default_code_check as (

    {#- a default-region number may still start with that region's country code -#}
    select
        *,
        case
            when country_code_source = 'default'
                and hint_country_code is not null
                and substr(full_number, 1, length(cast(hint_country_code as {{ string_type }})))
                    = cast(hint_country_code as {{ string_type }})
                then substr(full_number, length(cast(hint_country_code as {{ string_type }})) + 1)
        end as after_default_code

    from phone__sourced

),

phone__default_code_stripped as (

    select
        *,
        case
            when after_default_code is not null
                then {{ strip_national_prefix('after_default_code', 'hint_', transform_rule_column) }}
        end as after_default_code_stripped

    from phone__default_code_check

),

phone__country_coded as (

    select
        phone__default_code_stripped.*,
        case
            when country_code_source in ('plus', 'idd') then extracted_code.country_code
            else hint_country_code
        end as country_code,
        case
            when country_code_source in ('plus', 'idd')
                then substr(full_number, length(extracted_code.country_code_text) + 1)
            when after_default_code_stripped is not null
                and (
                    (
                        not {{ sql_regex_full_match('full_number', 'hint_general_pattern') }}
                        and {{ sql_regex_full_match('after_default_code_stripped', 'hint_general_pattern') }}
                    )
                    or (
                        length(full_number) > hint_general_max_length
                        and coalesce({{ dbt.position("'|' || cast(length(full_number) as " ~ string_type ~ ") || '|'", 'hint_general_local_only_lengths') }}, 0) = 0
                    )
                )
                then after_default_code_stripped
            else full_number
        end as national_number_raw,
        case
            when country_code_source = 'default' then parse_region
            else extracted_code.main_region_code
        end as parse_metadata_region

    from phone__default_code_stripped
    left join phone__country_codes as extracted_code
        on phone__default_code_stripped.country_code_source in ('plus', 'idd')
        and phone__default_code_stripped.full_number not like '0%'
        and substr(phone__default_code_stripped.full_number, 1, length(extracted_code.country_code_text))
            = extracted_code.country_code_text

),

phone__parse_metadata as (

    select
        phone__country_coded.*,
        parse.national_prefix_for_parsing as parse_national_prefix_for_parsing,
        parse.national_prefix_group_count as parse_national_prefix_group_count,
        parse.{{ transform_rule_column }} as parse_{{ transform_rule_column }},
        parse.general_pattern as parse_general_pattern,
        parse.general_possible_lengths as parse_general_possible_lengths,
        parse.general_local_only_lengths as parse_general_local_only_lengths,
        parse.general_min_length as parse_general_min_length,
        parse.general_max_length as parse_general_max_length

    from phone__country_coded
    left join phone__metadata as parse
        on phone__country_coded.parse_metadata_region = parse.region_code
        and phone__country_coded.country_code = parse.country_code

),

phone__trunk_stripped as (

    select
        *,
        {{ strip_national_prefix('national_number_raw', 'parse_', transform_rule_column) }} as national_number_stripped

    from phone__parse_metadata

),

phone__national as (

    {#- keep the stripped number unless its length is too short / local-only / invalid -#}
    select
        *,
        case
            when national_number_stripped = national_number_raw then national_number_raw
            when coalesce({{ dbt.position("'|' || cast(length(national_number_stripped) as " ~ string_type ~ ") || '|'", 'parse_general_local_only_lengths') }}, 0) > 0
                then national_number_raw
            when length(national_number_stripped) = parse_general_min_length
                or length(national_number_stripped) > parse_general_max_length
                then national_number_stripped
            when length(national_number_stripped) > parse_general_min_length
                and {{ dbt.position("'|' || cast(length(national_number_stripped) as " ~ string_type ~ ") || '|'", 'parse_general_possible_lengths') }} > 0
                then national_number_stripped
            else national_number_raw
        end as national_number

    from phone__trunk_stripped

),

phone__candidates as (

    select distinct
        country_code,
        national_number

    from phone__national
    where country_code is not null
        and length(national_number) between 2 and 17

),

phone__main_region_checks as (

    {#- region_code_for_number tries a country's regions in order; the main
        region (order 1) claims most numbers, so it is tried alone first -#}
    {{ phone_region_checks('phone__candidates', true, number_types, validity_patterns) }}

),

phone__main_region_verdicts as (

    select
        *,
        coalesce(leading_digits_claim, is_valid_type) as is_claimed

    from phone__main_region_checks

),

phone__other_region_candidates as (

    select
        country_code,
        national_number

    from phone__main_region_verdicts
    where not coalesce(is_claimed, false)

),

phone__other_region_checks as (

    {{ phone_region_checks('phone__other_region_candidates', false, number_types, validity_patterns) }}

),

phone__validity as (

    {#- the first region (by order) that claims the number is its region;
        the number is valid when that region also finds it valid -#}
    select
        country_code,
        national_number,
        region_order as chosen_order,
        case when is_valid_type then region_order end as valid_order

    from phone__main_region_verdicts
    where is_claimed

    union all

    select
        country_code,
        national_number,
        min(case when coalesce(leading_digits_claim, is_valid_type) then region_order end) as chosen_order,
        min(case when coalesce(leading_digits_claim, is_valid_type) and is_valid_type then region_order end) as valid_order

    from phone__other_region_checks
    group by country_code, national_number

),

phone__validity_regions as (

    select
        phone__validity.country_code,
        phone__validity.national_number,
        phone__validity.chosen_order is not null
            and phone__validity.chosen_order = phone__validity.valid_order as is_valid,
        chosen.region_code as chosen_region_code

    from phone__validity
    left join phone__metadata as chosen
        on phone__validity.country_code = chosen.country_code
        and phone__validity.chosen_order = chosen.region_order

),

phone__judged as (

    select
        phone__national.*,
        coalesce(phone__validity_regions.is_valid, false) as is_valid,
        coalesce(phone__validity_regions.chosen_region_code, phone__national.parse_metadata_region) as report_region,
        length(phone__national.digits) >= 5
            and replace(phone__national.digits, substr(phone__national.digits, 1, 1), '') = ''
            as is_repeated_digit

    from phone__national
    left join phone__validity_regions
        on phone__national.country_code = phone__validity_regions.country_code
        and phone__national.national_number = phone__validity_regions.national_number

),

phone__reasoned as (

    select
        phone_raw,
        region_hint,
        case
            when phone_raw is null or trim(phone_raw) = '' then 'phone: empty'
            when raw_length > 250 then 'phone: too long'
            when not has_digits then 'phone: no digits'
            when has_invalid_phone_context then 'phone: invalid phone-context'
            when not is_viable then 'phone: not a phone number'
            when country_code_source = 'default' and hint_region_code is null
                then 'phone: unknown region ' || parse_region || ' and no +country code'
            when country_code_source <> 'default' and length(full_number) <= 2
                then 'phone: too short after the international prefix'
            when country_code is null then 'phone: unknown country calling code'
            when length(national_number_raw) < 2 or length(national_number) < 2
                then 'phone: too short'
            when length(national_number) > 17 then 'phone: too long'
            when is_valid then null
            when is_repeated_digit then 'phone: placeholder (one repeated digit)'
            when length(national_number) < parse_general_min_length
                then 'phone: too short for region ' || report_region
            when length(national_number) > parse_general_max_length
                then 'phone: too long for region ' || report_region
            else 'phone: not a valid number for region ' || report_region
        end as phone_rejection_reason,
        '+' || cast(country_code as {{ string_type }}) || national_number as phone_e164_candidate

    from phone__judged

),

final as (

    select
        phone_raw,
        region_hint,
        case when phone_rejection_reason is null then phone_e164_candidate end as phone_e164,
        phone_rejection_reason

    from phone__reasoned

)

select * from final
{%- endmacro %}


{#- One row per (candidate number, region of its country): its main region
    (main_region true) or each of the others (false). Does the region claim
    it by its leading digits, and is it valid there (libphonenumber's _number_type_helper: the general
    description first, then any number type, one WHEN per test so that each
    regex only runs on the rows that still need it). With
    `validity_patterns` (from phone_validity_patterns) the tests are written
    per region with literal patterns; without, they read the metadata columns. -#}
{% macro phone_region_checks(candidates, main_region, number_types, validity_patterns=none) %}
{%- set string_type = dbt.type_string() -%}
{%- set type_order = ['fixed_line', 'mobile'] + (number_types | reject('in', ['fixed_line', 'mobile']) | list) -%}
    select
        country_code,
        national_number,
        region_order,
        leading_digits_claim,
        case
            when leading_digits_claim = false then false
            {%- if validity_patterns is none %}
            when coalesce({{ dbt.position('length_token', 'general_possible_lengths') }}, 0) = 0 then false
            when not coalesce({{ sql_regex_full_match('national_number', 'general_pattern') }}, false) then false
            {%- for number_type in type_order %}
            when coalesce({{ dbt.position('length_token', number_type ~ '_possible_lengths') }}, 0) > 0
                and coalesce({{ sql_regex_full_match('national_number', number_type ~ '_pattern') }}, false)
                then true
            {%- endfor %}
            else false
            {%- else %}
            else case region_key
                {%- for region in validity_patterns if (region.region_order == 1) == main_region %}
                when {{ region.region_key }} then {{ phone_region_validity(region, type_order) }}
                {%- endfor %}
                else false
            end
            {%- endif %}
        end as is_valid_type

    from (

        select
            {{ candidates }}.country_code,
            {{ candidates }}.national_number,
            '|' || cast(length({{ candidates }}.national_number) as {{ string_type }}) || '|' as length_token,
            regions.region_order,
            regions.country_code * 100 + regions.region_order as region_key,
            regions.general_pattern,
            regions.general_possible_lengths,
            {%- for number_type in number_types %}
            regions.{{ number_type }}_pattern,
            regions.{{ number_type }}_possible_lengths,
            {%- endfor %}
            case
                when regions.country_code_region_count = 1 then true
                when regions.leading_digits is not null
                    then {{ sql_regex_search(candidates ~ '.national_number', "'^(?:' || regions.leading_digits || ')'") }}
            end as leading_digits_claim

        from {{ candidates }}
        inner join phone__metadata as regions
            on {{ candidates }}.country_code = regions.country_code
            and regions.region_order {{ '=' if main_region else '>' }} 1

    ) as region_claims
{% endmacro %}

{#- is_valid_type of one region, its patterns and lengths as literals: a
    possible length and a full match of the general description, then of
    any number type. -#}
{% macro phone_region_validity(region, type_order) -%}
    {%- if region.general_pattern is none or region.general_possible_lengths is none -%}
        false
    {%- else -%}
        case
            when {{ dbt.position('length_token', "'" ~ region.general_possible_lengths ~ "'") }} = 0 then false
            when not {{ sql_regex_full_match('national_number', sql_regex_literal(region.general_pattern)) }} then false
            {%- for number_type in type_order %}
            {%- set pattern = region[number_type ~ '_pattern'] %}
            {%- set lengths = region[number_type ~ '_possible_lengths'] %}
            {%- if pattern is not none and lengths is not none %}
            when {{ dbt.position('length_token', "'" ~ lengths ~ "'") }} > 0
                and {{ sql_regex_full_match('national_number', sql_regex_literal(pattern)) }}
                then true
            {%- endif %}
            {%- endfor %}
            else false
        end
    {%- endif -%}
{%- endmacro %}

{#- The validity patterns of every region of the metadata seed, read at run
    time: a list of dicts with region_key (country_code * 100 +
    region_order), region_order, general_pattern, general_possible_lengths and each
    number type's _pattern and _possible_lengths, null when absent. -#}
{% macro phone_validity_patterns(number_types) %}
{%- set columns = ['general_pattern', 'general_possible_lengths'] -%}
{%- for number_type in number_types -%}
    {%- do columns.extend([number_type ~ '_pattern', number_type ~ '_possible_lengths']) -%}
{%- endfor -%}
{%- set result = run_query(
    'select cast(country_code as ' ~ dbt.type_int() ~ ') * 100 + cast(region_order as ' ~ dbt.type_int()
    ~ ') as region_key, cast(region_order as ' ~ dbt.type_int() ~ ') as region_order, ' ~ columns | join(', ') ~ ' from ' ~ ref('phone_region_metadata')
    ~ ' order by region_key'
) -%}
{%- set regions = [] -%}
{%- for row in result.rows -%}
    {%- set region = {'region_key': row['region_key'], 'region_order': row['region_order']} -%}
    {%- for column in columns -%}
        {%- set value = row[column] -%}
        {%- do region.update({column: none if value is none or (value | string) in ('', 'None') else value | string}) -%}
    {%- endfor -%}
    {%- do regions.append(region) -%}
{%- endfor -%}
{{ return(regions) }}
{% endmacro %}
