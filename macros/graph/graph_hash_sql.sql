{% macro graph_hash_sql(expression, coefficients) %}
    {{ return(adapter.dispatch('graph_hash_sql')(expression, coefficients)) }}
{% endmacro %}

{% macro default__graph_hash_sql(expression, coefficients) %}
    {#- multiplier < 2^31 and expression < 2^31, so the product fits a bigint. -#}
    ((cast({{ coefficients.multiplier }} as {{ dbt.type_bigint() }})
        * {{ expression }} + {{ coefficients.increment }})
        % {{ coefficients.modulus }})
{%- endmacro %}
