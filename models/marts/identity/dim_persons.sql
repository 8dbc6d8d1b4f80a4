{# One row per person: its identifiers, touches and signup. A table, rebuilt
   on every run: its incremental path saved less than 10% of an incremental
   run at 10M touches (docs/incremental.md). #}
with

clustered as (

    select * from {{ ref('int_identifiers_clustered') }}

),

touches as (

    select * from {{ ref('int_touches_resolved') }}

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
