{# The demo build (identity__raw_path: the bundled demo/raw) holds the
   hashes of three identifiers it is known to contain (docs/hashing.md, "The
   demo's known hashes"): Alice's email, written in two cases; Alice's phone,
   written in E.164 and in a national format with a country column; Nora's
   phone, written in a national format by a source with no country column,
   so read in identity__default_phone_region. Each must be in
   dim_person_identifiers as the hash of its normalized form: plain SHA-256
   without a key, HMAC under the README's test key (tests_py/test_hashing.py
   builds with it). Under any other key the hashes cannot be known in
   advance and nothing is checked. A hash of the raw text, a phone read in
   another region, or a changed hash function gives a failing row. Only
   hashes are written here: the normalized values would reach the compiled
   SQL and the dbt log (tests_py/test_pii.py). #}
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
        'Alice''s email' as vector_name,
        'd539c1398db413b4571ce9b6c54d8a133e59022a13f95ce600ac4b8106fcbe4b'
            as unkeyed_sha256,
        '244497ef12d28745dc03b07767baf2b92e5160690da8c2b807fc0aff327e06de'
            as test_key_sha256

    union all

    select
        'phone' as identifier_type,
        'Alice''s phone' as vector_name,
        '70d8953fb65a03b8b0cec61523d2e1e9bf284ccd9c5ebb6c3c2d5638d4e0da76'
            as unkeyed_sha256,
        '866ab83ed0fe7341679d73db737e745bf7a9fc9fd67b52338bd7ab1a04d441f7'
            as test_key_sha256

    union all

    select
        'phone' as identifier_type,
        'Nora''s phone' as vector_name,
        'ca07ee45842d14a86814bb1e7303dcb78a46b0eb67b80b0732f3117ca6ea14e7'
            as unkeyed_sha256,
        '7112c56a2267467101244952ebe17764fa989d6da865c78f56b14aba54685ffa'
            as test_key_sha256

),

{# the session's scheme, and whether its key is the test key
   "identity-stitching-test-key" (compared by fingerprint) #}
session_scheme as (

    select
        {{ hash_version() }} as hash_version,
        {{ hash_key_fingerprint_sql() }}
        = '65d2a28c2668077caab7148e0af33986f42c1b3b36b01ae36eef7399697ce753'
            as is_test_key

),

expected as (

    select
        vectors.identifier_type,
        vectors.vector_name,
        case
            when session_scheme.hash_version = 'sha256'
                then vectors.unkeyed_sha256
            when session_scheme.is_test_key then vectors.test_key_sha256
        end as expected_sha256

    from vectors
    cross join session_scheme

),

identifiers as (

    select * from {{ ref('dim_person_identifiers') }}

),

final as (

    select
        expected.identifier_type,
        expected.vector_name,
        expected.expected_sha256

    from expected
    where expected.expected_sha256 is not null
        and not exists (
            select 1
            from identifiers
            where identifiers.identifier_type = expected.identifier_type
                and identifiers.identifier_sha256 = expected.expected_sha256
        )

)

select * from final
