{# One row per exported row of a file in the export folder that this database
   does not record (int_amplitude__export_folder checked it whole): rows a run
   delivered whose database was then lost or replaced by an older copy. The
   gate adds those its ledger does not hold as exported, with the load time
   of their file's name, and judges every candidate against them; the export
   relations append them, so the next files continue from there and no
   insert_id is written twice. #}
with

export_files as (

    select * from {{ ref('int_amplitude__export_folder') }}
    where is_in_folder and not is_recorded

),

{# the rows of those files, each with its file as listed (filename) #}
file_rows as (

    {{ amplitude_unrecorded_file_rows_sql() }}

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
        file_rows.time, -- noqa: RF04

        ---------- timestamps
        export_files.load_time as update_time_column,

        ---------- provenance
        export_files.file_name

    from file_rows
    inner join export_files
        on file_rows.filename = export_files.file_path

),

{# a row in two unrecorded files (an earlier double export): the first #}
ranked as (

    select
        *,
        row_number() over (
            partition by export_kind, insert_id
            order by update_time_column, file_name
        ) as copy_number

    from adopted

),

final as (

    select
        ---------- ids
        insert_id,
        user_id,
        device_id,

        ---------- strings
        export_kind,
        event_type,
        event_properties,
        user_properties,

        ---------- numerics
        time, -- noqa: RF04

        ---------- timestamps
        update_time_column,

        ---------- provenance
        file_name

    from ranked
    where copy_number = 1

)

select * from final
