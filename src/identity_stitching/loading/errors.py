"""Errors that stop a build before anything is exported."""


class SchemaDriftError(Exception):
    """A file's header is not the layout this project expects."""

    def __init__(self, path, missing, expected):
        self.path = path
        self.missing = list(missing)
        self.expected = list(expected)
        super().__init__(
            f"Schema drift in {path}: missing column(s) {', '.join(self.missing)}. "
            f"Expected layout: {', '.join(self.expected)}. "
            "Fix the export (or move the file out of the raw folder) and rerun; "
            "nothing was exported."
        )
