"""TOML data files whose errors name the line.

tomllib gives a position only for a syntax error; a value that parses but is wrong (a sub-event type
no event type lists) is found again in the text, by its quoted name or its key.
"""

from __future__ import annotations

import re
import tomllib

from fieldreport.errors import ConfigError

SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def parsed_toml(text: str, path: str) -> dict:
    """The data of a TOML text; a syntax error raises ConfigError as 'path:line: what'."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = SYNTAX_POSITION.search(message)
        line = int(found.group(1)) if found else None
        raise ConfigError(f"{at(path, line)}: not valid TOML ({SYNTAX_POSITION.sub('', message)})") from None


def at(path: str, line: int | None) -> str:
    """'path:line', or the path alone when the line is unknown."""
    return f"{path}:{line}" if line else path


def lines_naming(text: str, names: tuple[str, ...], section: str | None = None) -> list[int]:
    """Numbers of the lines that hold each of `names` as a quoted string or a bare key, outside comments,
    within the table [section] or its sub-tables (a dotted name, as in its header) when one is given."""
    patterns = [re.compile(rf"""(["']){re.escape(name)}\1|^\s*{re.escape(name)}\s*=""") for name in names]
    found = []
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = without_comment(raw)
        header = table_header(line)
        if header is not None:
            current = header
            continue
        if section is not None and not (current == section or (current or "").startswith(f"{section}.")):
            continue
        if all(pattern.search(line) for pattern in patterns):
            found.append(number)
    return found


def line_naming(text: str, *names: str, section: str | None = None, occurrence: int = 1) -> int | None:
    """The line of the `occurrence`-th mention of all `names` together (see lines_naming), else of the first
    of them alone that is mentioned; None when no line names any."""
    for wanted in (names, *((name,) for name in names)):
        lines = lines_naming(text, wanted, section)
        if len(lines) >= occurrence:
            return lines[occurrence - 1]
        if lines:
            return lines[-1]
    return None


def header_line(text: str, section: str) -> int | None:
    """The line of the table header [section] (or [[section]], or the first [section.sub])."""
    for number, raw in enumerate(text.splitlines(), start=1):
        header = table_header(without_comment(raw))
        if header is not None and (header == section or header.startswith(f"{section}.")):
            return number
    return None


def table_header(line: str) -> str | None:
    """'plover.sub_event_type' for '[plover.sub_event_type]' or '[[trigger]]' -> 'trigger'; None for other lines."""
    stripped = line.strip()
    if not stripped.startswith("[") or not stripped.endswith("]"):
        return None
    inner = stripped.strip("[]")
    if "=" in inner or "," in inner:
        return None  # an array value continued on its own line, not a header
    return ".".join(part.strip().strip("\"'") for part in inner.split("."))


def without_comment(line: str) -> str:
    """The line up to a `#` that is not inside a string."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line
