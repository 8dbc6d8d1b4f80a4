{#- A SELECT of every data row of the erasure request files under
    `identity__raw_path`/privacy/erasure_requests (CSV, UTF-8, any
    sub-folder; hidden files skipped), one row per request row:
    source_file (relative to the raw folder), source_row_number (the header
    is row 1), and the raw requested_at, email, phone and user_id as text.
    Headers match without case, spaces or punctuation, in any order; a
    missing identifier column is null. A file whose header has no
    requested_at, or none of email, phone and user_id, stops the build with
    its name. The files are read by the engine at run time, so no value ever
    passes through Jinja, the compiled SQL or the log. DuckDB only. -#}
{% macro erasure_request_rows() %}
    {%- set columns = ['requested_at', 'email', 'phone', 'user_id'] -%}
    {%- set empty -%}
        select
            cast(null as varchar) as source_file,
            cast(null as bigint) as source_row_number,
            {%- for column in columns %}
            cast(null as varchar) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        where false
    {%- endset -%}
    {%- if not execute -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set folder = erasure_requests_folder() -%}
    {%- set files = [] -%}
    {%- for file in run_query(
        'select file from glob(' ~ dbt.string_literal(folder ~ '/**') ~ ') order by 1'
    ).columns[0].values() if not erasure_request_is_hidden_file(file, folder) -%}
        {%- do files.append(file) -%}
    {%- endfor -%}
    {%- set selects = [] -%}
    {%- for file in files -%}
        {%- set relative = 'privacy/erasure_requests/' ~ file[(folder | length) + 1:] -%}
        {%- set read -%}
            read_csv({{ dbt.string_literal(file) }}, header = true,
                all_varchar = true, parallel = false, null_padding = true)
        {%- endset -%}
        {%- set found = run_query('describe select * from ' ~ read) -%}
        {%- set by_key = {} -%}
        {%- for name in found.columns[0].values() -%}
            {%- do by_key.setdefault(modules.re.sub('[\\W_]+', '', name | lower), name) -%}
        {%- endfor -%}
        {%- if 'requestedat' not in by_key
            or not ('email' in by_key or 'phone' in by_key or 'userid' in by_key) -%}
            {%- do exceptions.raise_compiler_error(
                'The erasure request file ' ~ relative ~ ' has the header '
                ~ (found.columns[0].values() | join(',')) ~ ': expected '
                ~ 'requested_at and at least one of email, phone, user_id'
                ~ ' (docs/erasure.md). Nothing was built or exported.'
            ) -%}
        {%- endif -%}
        {%- set select -%}
            select
                {{ dbt.string_literal(relative) }} as source_file,
                row_number() over () + 1 as source_row_number,
                {%- for column in columns %}
                {%- set name = by_key.get(column | replace('_', '')) %}
                {% if name %}"{{ name | replace('"', '""') }}"{% else %}cast(null as varchar){% endif %} as {{ column }}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ read }}
        {%- endset -%}
        {%- do selects.append(select) -%}
    {%- endfor -%}
    {{ return(selects | join('\nunion all\n') if selects else empty) }}
{% endmacro %}

{#- The folder of the erasure requests, under the raw folder. -#}
{% macro erasure_requests_folder() %}
    {{ return((var('identity__raw_path') | string).rstrip('/') ~ '/privacy/erasure_requests') }}
{% endmacro %}

{#- Whether a globbed path is hidden (.DS_Store, ~$ lock files), as the
    loaders skip them. -#}
{% macro erasure_request_is_hidden_file(path, folder) %}
    {%- for part in path[(folder | length) + 1:].split('/') -%}
        {%- if part.startswith('.') or part.startswith('~$') -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}
