{% macro graph_unhash_sql(expression, coefficients) %}
    {{ return(adapter.dispatch('graph_unhash_sql')(expression, coefficients)) }}
{% endmacro %}

{% macro default__graph_unhash_sql(expression, coefficients) %}
    {#- x = (h - increment) * multiplier^-1 mod modulus; adding
        (modulus - increment) instead of subtracting keeps every operand
        non-negative, so the engine's sign convention for % does not matter. -#}
    ((((cast({{ expression }} as {{ dbt.type_bigint() }})
        + {{ coefficients.modulus - coefficients.increment }})
        % {{ coefficients.modulus }})
        * {{ coefficients.multiplier_inverse }})
        % {{ coefficients.modulus }})
{%- endmacro %}
