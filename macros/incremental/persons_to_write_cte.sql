{#- The CTE persons_to_write (with its trailing comma) of an append of
    dim_persons: the persons that can have changed since its last build,
    those holding an identifier row int_identifiers_clustered wrote since
    (a merge, a split's new side, a new or re-judged identifier; a new
    signup time too: it is the first sight of the user_id identifier, see
    int_identifiers_unioned), those holding a touch int_touches_resolved
    wrote since (a new touch, or one that moved to them), and those that
    lost identifiers (their count differs; the identifiers they lost, and
    their touches, are now another person's). Nothing in a rebuild, or when
    a read mark is unknown: then every person is recomputed
    (persons_to_write_scope). -#}
{% macro persons_to_write_cte(scope) %}
    {%- set identifier_mark = incremental_read_mark(
        scope, 'identifier_mark'
    ) -%}
    {%- set touch_mark = incremental_read_mark(scope, 'touch_mark') -%}
    {%- if identifier_mark is not none and touch_mark is not none %}

{# one pass over the identifiers: each person's count and newest write #}
identifier_states as (

    select
        person_id,
        count(*) as identifier_count,
        max(_clustered_at) as last_written_at

    from {{ ref('int_identifiers_clustered') }}
    group by 1

),

persons_to_write as (

    select identifier_states.person_id
    from identifier_states
    left join {{ this }} as previous
        on identifier_states.person_id = previous.person_id
    where identifier_states.last_written_at > {{ identifier_mark }}
        or previous.identifier_count
        is distinct from identifier_states.identifier_count

    union

    select person_id
    from {{ ref('int_touches_resolved') }}
    where _resolved_at > {{ touch_mark }}

),
    {%- endif %}
{% endmacro %}
