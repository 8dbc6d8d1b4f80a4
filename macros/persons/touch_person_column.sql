{#- A touch's person_id, device_id or user_id (`column`), all three taken
    from one identifier: its email's (join alias by_email) when the email is
    in a person, else its phone's (by_phone). Coalescing each column on its
    own mixed two persons when the email's person has no user and the
    phone's has one: the touch got the email's person and device and the
    phone's user, so the export linked that device to that user. -#}
{% macro touch_person_column(column) %}
    case
        when by_email.person_id is not null then by_email.{{ column }}
        else by_phone.{{ column }}
    end
{%- endmacro %}
