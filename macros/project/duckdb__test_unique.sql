{# dbt's unique test, as exact, on DuckDB: it groups the 64-bit hashes of
   the values first and the values themselves only where a hash repeats,
   since grouping millions of long strings (sha256 ids) costs a third more
   than grouping their hashes. #}
{% macro duckdb__test_unique(model, column_name) %}

with

repeated_hashes as (

    select hash({{ column_name }}) as value_hash
    from {{ model }}
    where {{ column_name }} is not null
    group by 1
    having count(*) > 1

)

select
    {{ column_name }} as unique_field,
    count(*) as n_records

from {{ model }}
where {{ column_name }} is not null
    and hash({{ column_name }}) in (select value_hash from repeated_hashes)
group by {{ column_name }}
having count(*) > 1

{% endmacro %}
