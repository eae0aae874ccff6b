"""Errors that fieldreport raises on purpose; the CLI turns each into one line on stderr.

    FieldreportError
     ├── InputError        a document or input line cannot be read (empty, binary, too big, bad JSON...)
     │    └── LanguageError  a document is not in the language the extractor reads (English)
     ├── InputWarning      a document is read, but part of it is not (a publication date that does not parse)
     ├── GazetteerError    the gazetteer is missing, or a file given to `gazetteer import` is malformed
     ├── StoreError        the database cannot be opened or written
     ├── ConflictError     a document id is already stored with another text
     └── ConfigError       a rules file (a word list, actors.toml, event_patterns.toml) is malformed or missing
"""


class FieldreportError(Exception):
    """Base class: the message is one line that names the file and the problem."""


class InputError(FieldreportError):
    pass


class LanguageError(InputError):
    pass


class InputWarning(FieldreportError):
    pass


class GazetteerError(FieldreportError):
    pass


class StoreError(FieldreportError):
    pass


class ConfigError(FieldreportError):
    pass


class ConflictError(FieldreportError):
    """A document's id is stored with a different text; `stored_hash` is the stored text's content hash."""

    def __init__(self, message: str, stored_hash: str) -> None:
        super().__init__(message)
        self.stored_hash = stored_hash

    def __reduce__(self) -> tuple:  # raised in the API's worker process and unpickled in the API's
        return type(self), (str(self), self.stored_hash)
