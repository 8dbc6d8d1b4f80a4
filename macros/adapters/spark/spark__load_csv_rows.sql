{# dbt-spark 1.11's seed loader binds every value as '<value>' without
   escaping: an empty cell becomes the string 'None'
   (dbt-labs/dbt-adapters#487) and a quote (Côte d'Ivoire) breaks the
   statement. Same statements, with values written as escaped literals and
   empty cells as null. dbt's CSV reader also reads the text `null` as
   empty; a seed whose config meta lists a column in `seed_null_is_text`
   keeps it as the string 'null' there (as DuckDB's loader does). #}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set null_is_text = (model['config'].get('meta') or {}).get('seed_null_is_text', []) %}
    {% set statements = [] %}

    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none and col_name in null_is_text -%}
                        cast('null' as {{ type }})
                    {%- elif value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        {% endset %}

        {% do adapter.add_query(sql, abridge_sql_log=True) %}

        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}

    {{ return(statements[0]) }}
{% endmacro %}
