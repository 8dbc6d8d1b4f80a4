{#- A select of every row of the export files in the folder that this
    database does not record (int_amplitude__export_folder lists them), read
    whole and typed as the writer writes them, with each row's file as
    listed (filename); no rows when there is none. DuckDB only (read_json). -#}
{% macro amplitude_unrecorded_file_rows_sql() -%}
{%- set folder = load_relation(ref('int_amplitude__export_folder'))
    if execute else none -%}
{%- set files = [] -%}
{%- if folder is not none -%}
    {%- set found = run_query(
        'select file_path from ' ~ folder
        ~ ' where is_in_folder and not is_recorded order by 1'
    ) -%}
    {%- for row in found.rows -%}
        {%- do files.append(dbt.string_literal(row[0])) -%}
    {%- endfor -%}
{%- endif -%}
{%- if files -%}
    select * from read_json(
        [{{ files | join(', ') }}],
        format = 'newline_delimited',
        compression = 'gzip',
        filename = true,
        columns = {
            insert_id: 'varchar',
            event_type: 'varchar',
            user_id: 'varchar',
            device_id: 'varchar',
            time: 'bigint',
            event_properties: 'json',
            user_properties: 'json'
        }
    )
{%- else -%}
    select
        null::varchar as insert_id, -- noqa: RF04
        null::varchar as event_type,
        null::varchar as user_id,
        null::varchar as device_id,
        null::bigint as time, -- noqa: RF04
        null::json as event_properties,
        null::json as user_properties,
        null::varchar as filename
    where false
{%- endif -%}
{%- endmacro %}
