{# The export folder is the ledger of what was delivered: every file this
   database recorded writing must still be there. Returns each recorded file
   the folder lacks. With the default severity (error) the build stops here,
   before the gate, and exports nothing: restore the folder (in the nightly
   job, the files are synced down from the bucket first). Nothing would be
   exported twice without it, the database remembers every row; but a folder
   that lost files can no longer stand in for a lost database. If the files
   were delivered and removed on purpose (a bucket that expires imported
   files), set var identity__missing_export_files to 'warn'
   (docs/scheduling.md). #}
{{ config(severity=var('identity__missing_export_files') | upper) }}
{{ config(enabled=target.type != 'spark') }}
with

export_files as (

    select * from {{ ref('int_amplitude__export_folder') }}

),

final as (

    select
        export_kind,
        file_name,
        file_path,
        load_time

    from export_files
    where is_recorded
        and not is_in_folder

)

select * from final
