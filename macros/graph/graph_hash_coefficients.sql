{% macro graph_hash_coefficients(round_number, seed) %}
    {#- The random bijection of one contraction round:
        h(x) = (multiplier * x + increment) mod modulus, modulus = 2^31 - 1.
        The coefficients come from the Park-Miller generator
        (state <- 48271 * state mod modulus) started from the seed and
        advanced by the round number, so a run is reproducible for a given
        seed. The generator never yields 0, so the multiplier is always
        invertible. -#}
    {%- set modulus = 2147483647 -%}
    {%- set state = namespace(
        value=((seed | int) % (modulus - 1)) + 1,
    ) -%}
    {%- for step in range(2 * (round_number | int) + 16) -%}
        {%- set state.value = (state.value * 48271) % modulus -%}
    {%- endfor -%}
    {%- set multiplier = state.value -%}
    {%- set increment = (state.value * 48271) % modulus -%}
    {{ return({
        "modulus": modulus,
        "multiplier": multiplier,
        "increment": increment,
        "multiplier_inverse": graph_modular_inverse(multiplier, modulus),
    }) }}
{% endmacro %}
