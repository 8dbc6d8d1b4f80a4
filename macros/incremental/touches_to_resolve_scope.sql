{#- A SQL condition on the rows of int_touches_unioned: the touches a run of
    int_touches_resolved writes. Every touch in a rebuild. An append writes
    the touches loaded since its last build and those whose person,
    device_id or user_id changed (a new file can merge persons, a signup
    gives a lead its user):
    - with the person mark (read_marks key 'person_mark'), the touches
      holding an identifier whose _person_changed_at in
      int_identifiers_clustered is later. By rowid (DuckDB): the wide rows
      are then fetched for these touches only, not decoded for every touch
      and dropped by a join (2.2 s against 3.4 s at 10M touches);
    - without it (a table from before the mark, or int_identifiers_clustered
      rebuilt with the clock set back), the touches resolved differently
      now, found on narrow columns by comparing every touch with the table
      (touches_to_rewrite).
    Written at the indent of a model's `where`. -#}
{% macro touches_to_resolve_scope(scope) %}
    {%- set person_mark = incremental_read_mark(scope, 'person_mark') -%}
    {%- if scope.mode != 'append' -%}
true
    {%- elif person_mark is not none -%}
rowid in (
        with reassigned as (

            select
                identifier_type,
                identifier_sha256

            from {{ ref('int_identifiers_clustered') }}
            where _person_changed_at > {{ person_mark }}

        )

        select rowid as touch_row
        from {{ ref('int_touches_unioned') }}
        where {{ loaded_since_scope(scope) }}
            or email_sha256 in (
                select identifier_sha256
                from reassigned
                where identifier_type = 'email'
            )
            or phone_sha256 in (
                select identifier_sha256
                from reassigned
                where identifier_type = 'phone'
            )
    )
    {%- else -%}
touch_id in (
        with links_now as (

            select
                touches.touch_id,
                touches._loaded_at,
                {{ touch_person_column('person_id') }} as person_id,
                {{ touch_person_column('device_id') }} as device_id,
                {{ touch_person_column('user_id') }} as user_id

            from {{ ref('int_touches_unioned') }} as touches
            left join {{ ref('int_identifiers_clustered') }} as by_email
                on by_email.identifier_id = 'email:' || touches.email_sha256
            left join {{ ref('int_identifiers_clustered') }} as by_phone
                on by_phone.identifier_id = 'phone:' || touches.phone_sha256

        )

        {{ touches_to_rewrite(
            'links_now', scope, ['person_id', 'device_id', 'user_id']
        ) }}
    )
    {%- endif -%}
{% endmacro %}
