{# The demo build (identity__raw_path: the bundled demo/raw) holds the
   hashes of identifiers it is known to contain: Alice's email (raw
   "ALICE.NGUYEN@northwind-labs.com" and "Alice.Nguyen@Northwind-Labs.com"),
   Alice's phone (raw "+14158672301" and "(415) 867-2301" from a United
   States attendee) and Nora's phone (raw "(617) 555-0142", from a source
   with no country column: read in identity__default_phone_region, US).
   Each must be in dim_person_identifiers as hash_identifier of its
   normalized form; without a key that is also the plain SHA-256 listed
   here (README, "Test vectors"). A hash of the raw text, a phone read in
   another region, or a changed hash function gives a failing row. #}
{{ config(
    tags=['demo'],
    enabled=(
        target.type != 'spark'
        and (var('identity__raw_path') | string).rstrip('/').endswith('demo/raw')
    ),
) }}
with

vectors as (

    select
        'email' as identifier_type,
        'alice.nguyen@northwind-labs.com' as normalized_value,
        'd539c1398db413b4571ce9b6c54d8a133e59022a13f95ce600ac4b8106fcbe4b'
            as unkeyed_sha256

    union all

    select
        'phone' as identifier_type,
        '+14158672301' as normalized_value,
        '70d8953fb65a03b8b0cec61523d2e1e9bf284ccd9c5ebb6c3c2d5638d4e0da76'
            as unkeyed_sha256

    union all

    select
        'phone' as identifier_type,
        '+16175550142' as normalized_value,
        'ca07ee45842d14a86814bb1e7303dcb78a46b0eb67b80b0732f3117ca6ea14e7'
            as unkeyed_sha256

),

expected as (

    select
        identifier_type,
        normalized_value,
        unkeyed_sha256,
        {{ hash_identifier('normalized_value') }} as expected_sha256,
        {{ hash_version() }} as hash_version

    from vectors

),

identifiers as (

    select * from {{ ref('dim_person_identifiers') }}

),

final as (

    select
        expected.identifier_type,
        expected.normalized_value,
        case
            when expected.hash_version = 'sha256'
                and expected.expected_sha256 <> expected.unkeyed_sha256
                then 'hash_identifier is not SHA-256 of the normalized value'
            else 'not in dim_person_identifiers'
        end as failure

    from expected
    where (
        expected.hash_version = 'sha256'
        and expected.expected_sha256 <> expected.unkeyed_sha256
    )
    or not exists (
        select 1
        from identifiers
        where identifiers.identifier_type = expected.identifier_type
            and identifiers.identifier_sha256 = expected.expected_sha256
    )

)

select * from final
