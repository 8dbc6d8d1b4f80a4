{# One row per identifier with its person. A person is named after its
   anchor: the email or phone seen first (ties: email before phone, then the
   hash), so the ids are the same on every run and on --full-refresh while
   the evidence stands, and a merge keeps the older person's ids. The
   person's Amplitude device_id is the anchor's hash. #}
with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

components as (

    select * from {{ ref('int_identity_components') }}

),

clustered as (

    select
        identifiers.*,
        components.component_id

    from identifiers
    inner join components
        on identifiers.node_id = components.node_id

),

anchors as (

    select
        component_id,
        identifier_id as anchor_identifier_id,
        identifier_type as anchor_identifier_type,
        identifier_sha256 as anchor_identifier_sha256

    from clustered
    qualify row_number() over (
        partition by component_id
        order by
            case when identifier_type in ('email', 'phone') then 0 else 1 end,
            first_seen_at,
            identifier_type,
            identifier_sha256
    ) = 1

),

component_users as (

    select
        component_id,
        min(user_id) as user_id

    from clustered
    where user_id is not null
    group by 1

),

final as (

    select
        ---------- ids
        clustered.identifier_id,
        {{ hash_identifier("'person|' || anchors.anchor_identifier_id") }} as person_id,
        case
            when anchors.anchor_identifier_type in ('email', 'phone')
                then anchors.anchor_identifier_sha256
        end as device_id,
        component_users.user_id,
        clustered.node_id,
        clustered.identifier_type,
        clustered.identifier_sha256,
        anchors.anchor_identifier_id,

        ---------- strings
        clustered.shared_reason,

        ---------- booleans
        clustered.is_shared,

        ---------- timestamps
        clustered.first_seen_at

    from clustered
    inner join anchors
        on clustered.component_id = anchors.component_id
    left join component_users
        on clustered.component_id = component_users.component_id

)

select * from final
