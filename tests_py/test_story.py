"""The README's story on the demo data: a lead's touches fold into the user it becomes."""

import hashlib

from conftest import query


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_webinar_and_call_share_one_device_linked_to_the_new_user(demo_build):
    database, _ = demo_build
    alice_device = sha256("alice.nguyen@northwind-labs.com")
    events = query(
        database,
        "select event_type, device_id from export_amplitude__events "
        "where event_type in ('Webinar Attended', 'Inbound Call') and device_id = ?",
        [alice_device],
    )
    assert sorted(event_type for event_type, _ in events) == ["Inbound Call", "Webinar Attended"]
    identifies = query(
        database,
        "select user_id, event_type from export_amplitude__identifies where device_id = ?",
        [alice_device],
    )
    assert identifies == [("usr_10001", "$identify")]


def test_call_from_the_webinar_phone_is_the_same_person(demo_build):
    database, _ = demo_build
    persons = query(
        database,
        "select distinct person_id from fct_offline_touches "
        "where device_id = ? and event_type in ('Webinar Attended', 'Inbound Call')",
        [sha256("alice.nguyen@northwind-labs.com")],
    )
    assert len(persons) == 1


def test_lead_seen_only_by_email_gets_the_sha256_of_that_email(demo_build):
    database, _ = demo_build
    rows = query(
        database,
        "select event_type, user_id from export_amplitude__events where device_id = ?",
        [sha256("bob.martins@contoso.io")],
    )
    assert rows == [("Webinar Registered", None)]
