{# A product user's record in the identity graph: its user id, email and
   phone, from the first of its accepted rows (by created_at, then file and
   row), in the columns of the graph's evidence (int_identifiers_unioned,
   which stacks these rows by position). _loaded_at is the newest load of any
   row of the user's, so that a new row rewrites the whole record. A table,
   not a view: it hashes, and a view would hash in its reader's session. #}
with

{# every row of a user counts, a rejected one too: it makes an append of
   int_identifiers_unioned write the user's record again #}
user_loads as (

    select
        user_id,
        max(_loaded_at) as record_loaded_at

    from {{ ref('stg_app__users') }}
    group by 1

),

users as (

    select
        stg_app__users.*,
        user_loads.record_loaded_at

    from {{ ref('stg_app__users') }} as stg_app__users
    inner join user_loads
        on stg_app__users.user_id = user_loads.user_id
    where stg_app__users.row_rejection_reason is null
    qualify
        row_number() over (
            partition by stg_app__users.user_id
            order by
                stg_app__users.created_at,
                stg_app__users.source_file,
                stg_app__users.source_row_number
        ) = 1

),

user_ids as (

    select
        'user:' || user_id as record_id,
        source_system,
        'user_id' as identifier_type,
        {{ hash_identifier('user_id') }} as identifier_sha256,
        user_id,
        cast(null as {{ dbt.type_string() }}) as name_sha256,
        false as is_role_address,
        created_at as observed_at,
        record_loaded_at as _loaded_at

    from users

),

user_emails as (

    select
        'user:' || user_id as record_id,
        source_system,
        'email' as identifier_type,
        email_sha256 as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as name_sha256,
        coalesce(is_role_email, false) as is_role_address,
        created_at as observed_at,
        record_loaded_at as _loaded_at

    from users
    where email_sha256 is not null

),

user_phones as (

    select
        'user:' || user_id as record_id,
        source_system,
        'phone' as identifier_type,
        phone_sha256 as identifier_sha256,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as name_sha256,
        false as is_role_address,
        created_at as observed_at,
        record_loaded_at as _loaded_at

    from users
    where phone_sha256 is not null

),

final as (

    select * from user_ids
    union all
    select * from user_emails
    union all
    select * from user_phones

)

select * from final
