{% macro graph_modular_inverse(value, modulus) %}
    {#- Inverse of value modulo a prime modulus, by Fermat's little theorem
        (value ^ (modulus - 2)), computed with square-and-multiply in Jinja so
        that no engine-specific function is needed. -#}
    {%- set state = namespace(
        result=1,
        base=(value | int) % (modulus | int),
        exponent=(modulus | int) - 2,
    ) -%}
    {%- if state.base == 0 -%}
        {{ exceptions.raise_compiler_error(
            "graph_modular_inverse: " ~ value ~ " has no inverse modulo "
            ~ modulus
        ) }}
    {%- endif -%}
    {%- for bit in range(64) -%}
        {%- if state.exponent > 0 -%}
            {%- if state.exponent % 2 == 1 -%}
                {%- set state.result = (state.result * state.base) % modulus -%}
            {%- endif -%}
            {%- set state.base = (state.base * state.base) % modulus -%}
            {%- set state.exponent = state.exponent // 2 -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(state.result) }}
{% endmacro %}
