{#- A SQL condition on identifier_id (int_identifiers_clustered): every
    identifier in a rebuild; in an append, those of the touches the run
    writes (`touches`, a CTE with email_sha256 and phone_sha256), so that
    the joins build on those, not on every identifier (at 10M touches the
    two joins of int_touches_resolved took 1.8 s of the 2.7 s query).
    Written at the indent of a model's `where`. -#}
{% macro touch_identifiers_scope(scope, touches) %}
    {%- if scope.mode == 'append' -%}
identifier_id in (
        select 'email:' || email_sha256 from {{ touches }}
        union all
        select 'phone:' || phone_sha256 from {{ touches }}
    )
    {%- else -%}
true
    {%- endif -%}
{% endmacro %}
