{#- The source_file of every row a source's loader read, as a relation
    (quarantined_files counts them per file): its loaded rows plus the rows
    an erasure removed from the same file version (privacy_erasure_sweep).
    Those rows were usable: without them a file whose erased person was its
    one usable row would read as mass-rejected and stop the build. -#}
{% macro rows_read_with_erased(source) %}
    {%- set loaded = engine_ref(source.base_model) -%}
    {%- if target.type == 'spark' -%}
        {{ return(loaded) }}
    {%- endif -%}
    {%- set rows -%}
        (
            select source_file from {{ loaded }}
            union all
            select erased.source_file
            from {{ ref('privacy_erasure_sweep') }} as erased
            where erased.source_system = '{{ source.name }}'
                and erased.erased_scope = 'row'
                and exists (
                    select 1 from {{ loaded }} as kept
                    where kept.source_file = erased.source_file
                        and kept.source_file_sha256 = erased.source_file_sha256
                )
        )
    {%- endset -%}
    {{ return(rows) }}
{% endmacro %}
