{#- Post-hook of privacy_erasure_sweep, in its transaction: removes what the
    sweep found. From each loaded table (base_*), the rows whose
    erased_scope is 'row'; from a product user's row ('values'), the erased
    email or phone, with _loaded_at moved to this run so that every
    incremental reader rebuilds it (as for a re-saved file; a row already
    emptied is left alone, so later runs append as usual). Then every raw,
    cleaned or parsed form of an erased value leaves the staging lookups.
    Deleting loaded rows lowers their roots' row counts, so staging and the
    touch chain rebuild without them in this same run (docs/incremental.md).
    A source whose email or phone is an expression, not a column, loses
    the whole row even when it is a user source. -#}
{% macro erase_requested_identifiers() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- set now = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')
        ~ "' as timestamp)" -%}
    {%- set same_row -%}
        erased.source_file = loaded.source_file
        and erased.source_file_sha256 = loaded.source_file_sha256
        and erased.source_row_number = loaded.source_row_number
    {%- endset -%}
    {%- for source in registered_sources() -%}
        {%- set base = ref(source.base_model) -%}
        {%- set plain = [] -%}
        {%- for kind in ['email', 'phone'] if source[kind] -%}
            {%- do plain.append(modules.re.fullmatch('[a-z_][a-z0-9_]*', source[kind] | trim) is not none) -%}
        {%- endfor -%}
        {%- set values_in_place = not source.touch_model and plain and (plain | min) -%}
        {%- do statements.append(
            'delete from ' ~ base ~ ' as loaded using ' ~ this ~ ' as erased'
            ~ " where erased.source_system = '" ~ source.name ~ "'"
            ~ (" and erased.erased_scope = 'row'" if values_in_place else '')
            ~ ' and ' ~ same_row
        ) -%}
        {%- if values_in_place -%}
            {%- set assignments, still_held = [], [] -%}
            {%- for kind in ['email', 'phone'] if source[kind] -%}
                {%- set column = source[kind] | trim -%}
                {%- do assignments.append(column ~ ' = case when erased.is_' ~ kind
                    ~ '_erased then null else loaded.' ~ column ~ ' end') -%}
                {%- do still_held.append('(erased.is_' ~ kind ~ '_erased and loaded.'
                    ~ column ~ ' is not null)') -%}
            {%- endfor -%}
            {%- do statements.append(
                'update ' ~ base ~ ' as loaded set ' ~ (assignments | join(', '))
                ~ ', _loaded_at = ' ~ now ~ ' from ' ~ this ~ ' as erased'
                ~ " where erased.source_system = '" ~ source.name ~ "'"
                ~ " and erased.erased_scope = 'values' and " ~ same_row
                ~ ' and (' ~ (still_held | join(' or ')) ~ ')'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set tombstones = ref('privacy_erasure_tombstones') -%}
    {%- set emails = ref('stg_identifiers__emails') -%}
    {%- set phones = ref('stg_identifiers__phones') -%}
    {%- set erased_emails = 'select emails.email_raw from ' ~ emails ~ ' as emails'
        ~ ' inner join ' ~ tombstones ~ " as tombstones on tombstones.identifier_id = 'email:' || emails.email_sha256" -%}
    {%- set erased_phones = 'select phones.phone_raw, phones.region_hint from ' ~ phones ~ ' as phones'
        ~ ' inner join ' ~ tombstones ~ " as tombstones on tombstones.identifier_id = 'phone:' || phones.phone_sha256" -%}
    {%- do statements.append(
        'delete from ' ~ ref('stg_identifiers__email_candidates') ~ ' as lookup'
        ~ ' using (' ~ erased_emails ~ ') as erased where lookup.email_raw = erased.email_raw'
    ) -%}
    {%- do statements.append(
        'delete from ' ~ emails ~ ' as lookup'
        ~ ' using (' ~ erased_emails ~ ') as erased where lookup.email_raw = erased.email_raw'
    ) -%}
    {%- for lookup in ['stg_identifiers__phone_candidates', 'stg_identifiers__phones_e164', 'stg_identifiers__phones'] -%}
        {%- do statements.append(
            'delete from ' ~ ref(lookup) ~ ' as lookup'
            ~ ' using (' ~ erased_phones ~ ') as erased where lookup.phone_raw = erased.phone_raw'
            ~ ' and lookup.region_hint = erased.region_hint'
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
