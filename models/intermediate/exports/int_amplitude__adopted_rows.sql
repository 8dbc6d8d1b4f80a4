{# One row per exported row of a file in the export folder that this database
   does not record (int_amplitude__export_folder checked it whole), and that
   its export relation does not hold yet: rows a run delivered whose database
   was then lost or replaced by an older copy. They count as exported: the
   gate judges every candidate against them, and the export relations append
   them with the load time of their file's name, so the next files continue
   from there and no insert_id is written twice. The export relations are
   read by name, as the gate reads them: their state before this run. #}
{%- set folder = load_relation(ref('int_amplitude__export_folder')) if execute else none -%}
{%- set files = [] -%}
{%- if folder is not none -%}
    {%- set found = run_query(
        'select file_path from ' ~ folder
        ~ ' where is_in_folder and not is_recorded order by 1'
    ) -%}
    {%- for row in found.rows -%}
        {%- do files.append(row[0]) -%}
    {%- endfor -%}
{%- endif -%}
{%- set exported = {} -%}
{%- for kind in ['events', 'identifies'] -%}
    {%- do exported.update({kind: adapter.get_relation(
        database=target.database,
        schema=target.schema,
        identifier='export_amplitude__' ~ kind,
    ) if execute else none}) -%}
{%- endfor %}
with

export_files as (

    select * from {{ ref('int_amplitude__export_folder') }}
    where is_in_folder and not is_recorded

),

file_rows as (

{%- if files %}

    select *
    from read_json(
        [{% for file in files %}'{{ file }}'{% if not loop.last %}, {% endif %}{% endfor %}],
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
{%- else %}

    select
        cast(null as varchar) as insert_id,
        cast(null as varchar) as event_type,
        cast(null as varchar) as user_id,
        cast(null as varchar) as device_id,
        cast(null as bigint) as time, -- noqa: RF04
        cast(null as json) as event_properties,
        cast(null as json) as user_properties,
        cast(null as varchar) as filename
    where false
{%- endif %}

),

adopted as (

    select
        ---------- ids
        file_rows.insert_id,
        file_rows.user_id,
        file_rows.device_id,

        ---------- strings
        export_files.export_kind,
        file_rows.event_type,
        file_rows.event_properties,
        file_rows.user_properties,

        ---------- numerics
        file_rows.time,

        ---------- timestamps
        export_files.load_time as update_time_column,

        ---------- provenance
        export_files.file_name

    from file_rows
    inner join export_files
        on file_rows.filename = export_files.file_path

),

final as (

    select *
    from adopted
    where true
    {%- for kind, relation in exported.items() if relation is not none %}
        and not (
            adopted.export_kind = '{{ kind }}'
            and adopted.insert_id in (select insert_id from {{ relation }})
        )
    {%- endfor %}
    {# a row in two unrecorded files (an earlier double export): the first #}
    qualify row_number() over (
        partition by adopted.export_kind, adopted.insert_id
        order by adopted.update_time_column, adopted.file_name
    ) = 1

)

select * from final
