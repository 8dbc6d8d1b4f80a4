{#- Whether any identifier was ever erased (privacy_erasure_tombstones has a
    row), read at run time: the privacy models then skip reading every
    loaded and exported row on the usual run, when nobody ever asked. True
    at parse time and when the table is not built yet, so that nothing is
    skipped by mistake. -#}
{% macro erasure_has_tombstones() %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set tombstones = load_relation(ref('privacy_erasure_tombstones')) -%}
    {%- if tombstones is none -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(run_query('select count(*) > 0 from ' ~ tombstones).columns[0].values()[0]) }}
{% endmacro %}
