{# One row per person. Incremental on DuckDB: a run recomputes the persons
   that can have changed and deletes those gone from
   int_identifiers_clustered. A person changes when an identifier row of it
   was written since the last build (a merge, a split's new side, a new or
   re-judged identifier; a new signup time too: it is the first sight of
   the user_id identifier, see int_identifiers_unioned), when a touch of it
   was written (a new touch, or one that moved to it), or when it lost
   identifiers (its count differs; the identifiers it lost, and their
   touches, are now another person's). #}
{{ config(**incremental_chain_config(
    touch_staging_models() + ['stg_app__users'],
    unique_key='person_id',
    post_hooks=[
        "{% if is_incremental() %}delete from {{ this }} as kept"
        ~ " where not exists (select 1 from"
        ~ " {{ ref('int_identifiers_clustered') }} as current_identifiers"
        ~ " where current_identifiers.person_id = kept.person_id){% endif %}",
    ],
    read_marks={
        'identifier_mark': ['int_identifiers_clustered', '_clustered_at'],
        'touch_mark': ['int_touches_resolved', '_resolved_at'],
    },
)) }}
{% set scope = incremental_scope() %}
{% set identifier_mark = incremental_read_mark(scope, 'identifier_mark') %}
{% set touch_mark = incremental_read_mark(scope, 'touch_mark') %}
{% set narrowed = scope.mode == 'append'
    and identifier_mark is not none and touch_mark is not none %}
with
{% if narrowed %}

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
{% endif %}

clustered as (

    select * from {{ ref('int_identifiers_clustered') }}
    {%- if narrowed %}
    where person_id in (select person_id from persons_to_write)
    {%- endif %}

),

touches as (

    select * from {{ ref('int_touches_resolved') }}
    {%- if narrowed %}
    where person_id in (select person_id from persons_to_write)
    {%- endif %}

),

users as (

    {{ user_signups_sql() }}

),

person_identifiers as (

    select
        person_id,
        min(device_id) as device_id,
        min(user_id) as user_id,
        min(first_seen_at) as first_seen_at,
        count(*) as identifier_count,
        count(case when identifier_type = 'email' then 1 end) as email_count,
        count(case when identifier_type = 'phone' then 1 end) as phone_count,
        bool_and(is_shared) as is_shared_identifier_only

    from clustered
    group by 1

),

person_touches as (

    select
        person_id,
        {{ person_touch_aggregates() }}

    from touches
    group by 1

),

final as (

    select
        ---------- ids
        person_identifiers.person_id,
        person_identifiers.device_id,
        person_identifiers.user_id,

        ---------- strings
        person_touches.first_touch_source,
        person_touches.first_touch_event_type,

        ---------- numerics
        person_identifiers.identifier_count,
        person_identifiers.email_count,
        person_identifiers.phone_count,
        coalesce(person_touches.touch_count, 0) as touch_count,

        ---------- booleans
        person_identifiers.user_id is not null as is_user,
        person_identifiers.is_shared_identifier_only,

        ---------- timestamps
        person_identifiers.first_seen_at,
        person_touches.first_touch_at,
        person_touches.last_touch_at,
        users.signed_up_at

    from person_identifiers
    left join person_touches
        on person_identifiers.person_id = person_touches.person_id
    left join users
        on person_identifiers.user_id = users.user_id

)

select * from final
