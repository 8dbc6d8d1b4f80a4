"""`make explain`: why an email, phone, user id or device id belongs to its person, down to the file and row.

normalize.py turns the typed value into the identifier the project computes (its normalization, then its
hash, keyed when IDENTITY_HASH_KEY is set); evidence.py reads the person, the shortest chain of records from
the identifier to the person's user, the shared identifiers met, the refused links and the id history;
text.py prints them. The typed value and the key never reach dbt: nothing here runs dbt. See docs/report.md.
"""
