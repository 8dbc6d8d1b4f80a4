{#- Post-hook of quarantined_files: stops the build, with one message
    naming each file, its counts and its most common reasons, when a file
    yields no usable row or rejects more than var identity__max_rejected_share
    of its rows; warns for every other file with rejected rows. Files in var
    identity__accepted_rejected_files only warn. -#}
{% macro fail_on_mass_rejection() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set accepted = var('identity__accepted_rejected_files') -%}
    {%- set found = run_query(
        'select source_file, rows_read, rows_rejected, rejected_share,'
        ~ ' top_reasons, is_mass_rejection from ' ~ this
        ~ ' where rows_rejected > 0 order by source_file'
    ) -%}
    {%- set stopping, warning = [], [] -%}
    {%- for row in found.rows -%}
        {%- set line = row[0] ~ ': ' ~ row[2] ~ ' of ' ~ row[1]
            ~ ' data rows rejected (' ~ ((row[3] * 100) | round(1)) ~ '%); '
            ~ row[4] -%}
        {%- if row[5] and row[0] not in accepted -%}
            {%- do stopping.append(line) -%}
        {%- else -%}
            {%- do warning.append(line) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for line in warning -%}
        {%- do log('WARNING rows rejected (quarantined_records has each row and reason): ' ~ line, info=true) -%}
    {%- endfor -%}
    {%- if stopping -%}
        {%- do exceptions.raise_compiler_error(
            'Most rows of ' ~ (stopping | length) ~ ' file(s) were rejected,'
            ~ ' so nothing was exported:\n  ' ~ (stopping | join('\n  '))
            ~ '\nFix the export (the README input contract lists the layouts'
            ~ ' and date formats; quarantined_records has every row and'
            ~ ' reason) or move the file out of the raw folder, then rerun.'
            ~ ' To export such a file anyway, add its path to var'
            ~ ' identity__accepted_rejected_files; the limit is var'
            ~ ' identity__max_rejected_share ('
            ~ var('identity__max_rejected_share') ~ ').'
        ) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
