{% macro graph_drop_relations(relations) %}
    {{ return(adapter.dispatch('graph_drop_relations')(relations)) }}
{% endmacro %}

{% macro default__graph_drop_relations(relations) %}
    {% for relation in relations %}
        {% if relation is not none %}
            {% do adapter.drop_relation(relation) %}
        {% endif %}
    {% endfor %}
{% endmacro %}
