"""Zoom files that stop the build: a file of no kind the loader reads, and
numeric dates written in the other day/month order than the one configured.

Both are SchemaDriftError (the file is not the layout the project expects), so
whatever handles that handles these; only their messages differ.
"""

from identity_stitching.loading.errors import SchemaDriftError

DATE_ORDER_VAR = "identity__zoom_date_order"
DATE_ORDERS = {"MDY": "month first, 03/22/2025", "DMY": "day first, 22/03/2025"}


class UnknownZoomFileError(SchemaDriftError):
    """A file under the Zoom folder that is none of the Zoom files the project reads."""

    def __init__(self, path, found, expected_kinds):
        Exception.__init__(
            self,
            f"Unknown Zoom file {path}: its content is none of the Zoom files this project reads "
            f"(found: {found}). Expected one of: {'; '.join(expected_kinds)}. "
            "Move the file out of the raw folder (or download one of these) and rerun; "
            "nothing was exported.",
        )
        self.path = path
        self.missing = []
        self.expected = list(expected_kinds)
        self.found = [found]


class ZoomDateOrderError(SchemaDriftError):
    """A Zoom file's numeric dates are not in the day/month order var identity__zoom_date_order says."""

    def __init__(self, path, line, value, date_order):
        other = "DMY" if date_order == "MDY" else "MDY"
        Exception.__init__(
            self,
            f"Zoom date order in {path}: line {line} has the time '{value}', which cannot be a "
            f"{date_order} date ({DATE_ORDERS[date_order]}) but is one in {other} "
            f"({DATE_ORDERS[other]}). The Zoom account writes {other} dates: set var "
            f"{DATE_ORDER_VAR}: {other} (e.g. --vars '{{{DATE_ORDER_VAR}: {other}}}') to read "
            "this account's reports, or move the file out of the raw folder, and rerun; "
            "nothing was exported.",
        )
        self.path = path
        self.missing = []
        self.expected = [date_order]
        self.found = [value]
