{# Fails with the combinations of `columns` that occur more than once: the
   primary-key test of a model whose key spans several columns. As in the
   project's unique test, the hashes of the combinations are grouped first
   and the combinations only where a hash repeats: exact, and faster on
   millions of long ids (hash() takes several columns on DuckDB and Spark). #}
{% test unique_combination_of_columns(model, columns) %}

with

repeated_hashes as (

    select hash({{ columns | join(', ') }}) as combination_hash
    from {{ model }}
    group by 1
    having count(*) > 1

)

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
where hash({{ columns | join(', ') }})
    in (select combination_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
