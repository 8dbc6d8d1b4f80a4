{% macro graph_composed_labels_sql(labels_relation, later_labels_relation) %}
    {{ return(adapter.dispatch('graph_composed_labels_sql')(labels_relation, later_labels_relation)) }}
{% endmacro %}

{% macro default__graph_composed_labels_sql(labels_relation, later_labels_relation) %}
{#- Compose one round's map with the (already composed) map of the rounds
    after it. A representative absent from the later map had no edge left,
    so it is final. -#}
select
    labels.node_id,
    coalesce(
        later_labels.representative_id,
        labels.representative_id
    ) as representative_id
from {{ labels_relation }} as labels
left join {{ later_labels_relation }} as later_labels
    on labels.representative_id = later_labels.node_id
{%- endmacro %}
