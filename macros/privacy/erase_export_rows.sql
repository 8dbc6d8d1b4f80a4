{#- Post-hook of privacy_erased_export_rows: deletes every export row it
    lists (by kind, insert_id and load time, so that a touch exported again
    later under another device_id is not touched) from the two append-only
    export relations and from the gate's ledger (int_amplitude__gated),
    which would otherwise keep them as exported. Rows are removed rather
    than kept and flagged: a removed row is never imported (Append Only and
    Timestamp imports read new rows only) nor pushed, and Amplitude's own
    copy is deleted through its User Privacy API
    (privacy_amplitude_deletions). -#}
{% macro erase_export_rows() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- set ledger = last_build_relation('int_amplitude__gated') -%}
    {%- if ledger is not none -%}
        {%- do statements.append(
            'delete from ' ~ ledger ~ ' as exported using ' ~ this
            ~ ' as erased where erased.export_kind = exported.export_kind'
            ~ ' and exported.hold_reason is null'
            ~ ' and exported.insert_id = erased.insert_id'
            ~ ' and exported.update_time_column = erased.update_time_column'
        ) -%}
    {%- endif -%}
    {%- for kind in ['events', 'identifies'] -%}
        {%- set relation = last_build_relation('export_amplitude__' ~ kind) -%}
        {%- if relation is not none -%}
            {%- do statements.append(
                'delete from ' ~ relation ~ ' as exported using ' ~ this
                ~ " as erased where erased.export_kind = '" ~ kind ~ "'"
                ~ ' and exported.insert_id = erased.insert_id'
                ~ ' and exported.update_time_column = erased.update_time_column'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
