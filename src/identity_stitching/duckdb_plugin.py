"""dbt-duckdb plugin (profiles.yml, `plugins:`): the hash key reaches DuckDB, never the SQL text.

When dbt opens its DuckDB connection, the plugin reads IDENTITY_HASH_KEY from the
environment (identity_stitching.hash_key) and sets, on that connection and on every
cursor dbt takes from it (DuckDB session variables belong to one connection):

- identity_hash_version: 'sha256' without a key, 'hmac-sha256' with one;
- identity_hash_inner_pad, identity_hash_outer_pad: the HMAC pads (BLOB), only with a key.

The values are bound as query parameters, so no statement text holds them, and
session variables are never written to the database file. hash_identifier() names
the variables (getvariable('...')) and nothing else. A key that is set but empty or
longer than 64 bytes stops dbt as it connects, before any hook or model runs.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from identity_stitching.hash_key import (
    VARIABLE_INNER_PAD,
    VARIABLE_OUTER_PAD,
    VARIABLE_VERSION,
    HashKeyError,
    hash_settings,
)


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        self._settings = None

    def configure_connection(self, conn):
        try:
            self._settings = hash_settings()
        except HashKeyError as error:
            raise DbtRuntimeError(str(error)) from None
        self._apply(conn)

    def configure_cursor(self, cursor):
        if self._settings is None:
            self.configure_connection(cursor)
        else:
            self._apply(cursor)

    def _apply(self, connection):
        settings = self._settings
        connection.execute(f"set variable {VARIABLE_VERSION} = ?", [settings.version])
        if settings.inner_pad is None:
            connection.execute(f"reset variable {VARIABLE_INNER_PAD}")
            connection.execute(f"reset variable {VARIABLE_OUTER_PAD}")
        else:
            connection.execute(f"set variable {VARIABLE_INNER_PAD} = ?::blob", [settings.inner_pad])
            connection.execute(f"set variable {VARIABLE_OUTER_PAD} = ?::blob", [settings.outer_pad])
