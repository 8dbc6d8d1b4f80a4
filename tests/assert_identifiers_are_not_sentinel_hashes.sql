{# No identifier of the graph is the hash of an empty value or of a
   blocklisted placeholder (as is, lowercased, uppercased) in this build's
   scheme (hash_identifier, keyed or not): such a hash would link every
   record that lacks a real value. One failing row per offending
   identifier. #}
with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

blocklist as (

    select identifier_value from {{ ref('identifier_blocklist') }}

),

sentinel_inputs as (

    select '' as sentinel_value
    union all
    select identifier_value from blocklist
    union all
    select lower(trim(identifier_value)) as sentinel_value from blocklist
    union all
    select upper(trim(identifier_value)) as sentinel_value from blocklist

),

sentinel_hashes as (

    select distinct
        sentinel_value,
        {{ hash_identifier('sentinel_value') }} as sentinel_sha256

    from sentinel_inputs

),

final as (

    select
        identifiers.identifier_id,
        identifiers.identifier_type,
        sentinel_hashes.sentinel_value

    from identifiers
    inner join sentinel_hashes
        on identifiers.identifier_sha256 = sentinel_hashes.sentinel_sha256

)

select * from final
