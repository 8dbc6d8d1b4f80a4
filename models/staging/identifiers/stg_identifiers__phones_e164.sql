{# libphonenumber's parse and is_valid_number, in portable SQL over its own
   metadata (seed phone_region_metadata, generated from `phonenumbers`).

   Parsing is the costliest step of staging, and a new file brings few new
   numbers, so on DuckDB the table is also its own cache: while it is being
   rebuilt the previous table still stands, and every (phone_raw,
   region_hint) parsed there by the same parser (same SQL, same metadata:
   parser_fingerprint) is reused. Only the candidates of this run are kept,
   so the table still mirrors the sources. --full-refresh parses everything. #}
{%- set parse_sql = parse_phone_numbers('uncached') -%}
{%- set metadata_seed = graph.nodes.get(
    'seed.' ~ project_name ~ '.phone_region_metadata', {}
) if execute else {} -%}
{%- set parser_fingerprint = local_md5(
    parse_sql ~ (metadata_seed.get('checksum', {}).get('checksum', ''))
) -%}
{%- set previous = phone_parse_cache(this) -%}
with

candidates as (

    select * from {{ ref('stg_identifiers__phone_candidates') }}

),

cached as (

    {% if previous is not none -%}
    select
        previous.phone_raw,
        previous.region_hint,
        previous.phone_e164,
        previous.phone_parse_error

    from {{ previous }} as previous
    inner join candidates
        on previous.phone_raw = candidates.phone_raw
        and previous.region_hint = candidates.region_hint
    where previous.parser_fingerprint = '{{ parser_fingerprint }}'
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as phone_raw,
        cast(null as {{ dbt.type_string() }}) as region_hint,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as phone_parse_error
    where 1 = 0
    {%- endif %}

),

uncached as (

    select candidates.*

    from candidates
    left join cached
        on candidates.phone_raw = cached.phone_raw
        and candidates.region_hint = cached.region_hint
    where cached.phone_raw is null

),

parsed as (

    {{ parse_sql }}

),

final as (

    select
        phone_raw,
        region_hint,
        phone_e164,
        phone_rejection_reason as phone_parse_error,
        '{{ parser_fingerprint }}' as parser_fingerprint

    from parsed

    union all

    select
        phone_raw,
        region_hint,
        phone_e164,
        phone_parse_error,
        '{{ parser_fingerprint }}' as parser_fingerprint

    from cached

)

select * from final
