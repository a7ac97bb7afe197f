"""Reading untrusted JSON, TOML and CSV within limits on structure, not only on size.

Every body the API accepts, every guideline file uploaded or loaded, and every line of a batch or
notification file passes through here (docs/security.md lists the limits; ADR 0013 explains the
choices). A refusal is an `InputRefused` naming the limit (`code`), where it was exceeded
(`field`: a JSON path such as `inputs.answers[2]`, or `line 12` in a TOML file) and the allowed
value, so callers turn it into a 400 with that field, never a 500.

- JSON is parsed by the standard library's C parser with hooks that refuse integers longer than
  the limit and the non-standard constants (NaN, Infinity). Nesting, key count, string length,
  NUL characters and lone surrogates are checked on the parsed value, but only when cheap counts
  on the text show a limit could be exceeded, so an ordinary body or batch line pays a few
  substring counts. When the parser itself gives up (nesting deeper than Python's recursion limit,
  an integer too long), a token scan finds the path of the first offending value.
- TOML is scanned token by token in one linear pass *before* `tomllib` sees it: the scan counts
  key parts, keys, nesting, string and number lengths and stops at the first limit. `tomllib`
  then parses text whose structure is known to be small (it is quadratic in the number of parts
  of one dotted key, and recursive in nesting).
- CSV cells and rows are bounded while reading: the reader's field size limit is set per read
  and restored, a row with too many cells or an oversized cell is one refused line.

This module is pure Python (no Django): the instruments and guidelines cores use it as well.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

__all__ = [
    "API_BODY",
    "BATCH_LINE",
    "GUIDELINE_FILE",
    "CsvRow",
    "InputRefused",
    "Limits",
    "bounded_lines",
    "check_json_text",
    "check_text",
    "check_value",
    "csv_rows",
    "json_decoder",
    "located_json_problem",
    "parse_json",
    "parse_toml",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """The most one document (a request body, a file, one line) may hold."""

    name: str  # what is being read, for messages: "request body", "guideline file", "line"
    max_bytes: int  # size of the whole document (UTF-8 bytes)
    max_depth: int  # nesting of objects/arrays (JSON), tables/arrays/inline tables (TOML)
    max_keys: int  # object members in the whole document (TOML: keys and table headers)
    max_string_chars: int  # one string (or key, or CSV cell)
    max_integer_digits: int  # one integer, sign and underscores not counted
    max_key_parts: int = 8  # parts of one dotted TOML key or table header (`a.b.c` has 3)
    max_value_chars: int = 64  # one unquoted TOML value (a number, date or boolean)


# JSON bodies of the API. The largest legitimate body (a scenario of 20 offences with their
# requests) is a few tens of KB, nested about eight levels deep.
API_BODY: Final = Limits(
    name="request body",
    max_bytes=1024 * 1024,
    max_depth=20,
    max_keys=10_000,
    max_string_chars=20_000,
    max_integer_digits=20,
)

# Guideline data files (the packaged data and uploads). The packaged files are at most 7 KB,
# nested at most 4 levels, with keys of at most 3 parts and strings of at most 500 characters.
GUIDELINE_FILE: Final = Limits(
    name="guideline file",
    max_bytes=256 * 1024,
    max_depth=12,
    max_keys=10_000,
    max_string_chars=10_000,
    max_integer_digits=20,
    max_key_parts=8,
    max_value_chars=64,
)

# One line (JSON Lines) or one row (CSV) of a batch or notification file.
BATCH_LINE: Final = Limits(
    name="line",
    max_bytes=64 * 1024,
    max_depth=20,
    max_keys=1_000,
    max_string_chars=10_000,
    max_integer_digits=20,
)


class InputRefused(ValueError):
    """Input refused before or while parsing: which limit or rule, where, and in words."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.code = code
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}

    def sentence(self) -> str:
        """The refusal as one sentence: `q contains a NUL character…`, `The request body is…`."""
        if self.message.startswith("the "):
            return self.message[0].upper() + self.message[1:]
        return f"{self.field} {self.message}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


# --- text: size, encoding, NUL ------------------------------------------------------------------


def check_text(value: str, field: str, limits: Limits | None = None) -> None:
    """One string from outside (a query parameter, a form field, a JSON string): no NUL character,
    no lone surrogate, and (with `limits`) no longer than the string limit."""
    if "\x00" in value:
        raise InputRefused(
            "nul_character",
            field,
            "contains a NUL character (U+0000), which cannot be stored; remove it",
        )
    if limits is not None and len(value) > limits.max_string_chars:
        raise InputRefused(
            "string_too_long",
            field,
            f"is {_plural(len(value), 'character')} long; at most {limits.max_string_chars:,} are allowed",
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputRefused(
                "invalid_text",
                field,
                "contains a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text",
            ) from None


def _decode(data: bytes | str, limits: Limits, field: str) -> str:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise InputRefused(
            "too_large",
            field,
            f"the {limits.name} is {size:,} bytes; at most {limits.max_bytes:,} bytes are allowed",
        )
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputRefused(
            "not_utf8", field, f"the {limits.name} is not UTF-8 text (byte {error.start + 1:,} is not)"
        ) from None


# --- JSON -----------------------------------------------------------------------------------------


class _IntegerTooLong(ValueError):
    pass


class _NotFinite(ValueError):
    pass


def _path(root: str, parts: list[str | int]) -> str:
    """`answers[2].date` for the parts of a path; `root` (the whole document) when there are none."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else part
    return text or root


@cache
def _decoder(max_integer_digits: int) -> json.JSONDecoder:
    def bounded_int(text: str) -> int:
        if len(text) - (text[0] == "-") > max_integer_digits:
            raise _IntegerTooLong(text)
        return int(text)

    def finite_float(text: str) -> float:
        number = float(text)
        if not math.isfinite(number):
            raise _NotFinite(text)
        return number

    def constant(text: str) -> object:
        raise _NotFinite(text)

    return json.JSONDecoder(parse_int=bounded_int, parse_float=finite_float, parse_constant=constant)


def json_decoder(limits: Limits) -> json.JSONDecoder:
    """The standard decoder with the hooks for `limits` (integer length, no NaN or Infinity), for
    callers that parse many small documents (batch lines) and then call `check_json_text`.
    Its errors: JSONDecodeError, or another ValueError / RecursionError for `located_json_problem`."""
    return _decoder(limits.max_integer_digits)


def parse_json(data: bytes | str, limits: Limits, *, root: str = "body") -> object:
    """Parse one JSON document within `limits`; raises InputRefused naming the field and limit."""
    text = _decode(data, limits, root)
    try:
        value = _decoder(limits.max_integer_digits).decode(text)
    except json.JSONDecodeError as error:
        raise InputRefused(
            "invalid_json",
            root,
            f"the {limits.name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
        ) from None
    except (RecursionError, ValueError) as error:
        raise located_json_problem(text, limits, root, error) from None
    check_json_text(value, text, limits, root)
    return value


def located_json_problem(text: str, limits: Limits, root: str, error: BaseException) -> InputRefused:
    """The refusal for a document the parser gave up on (too deep, a number too long or not finite),
    with the path of the first offending value found by a token scan."""
    found = _scan_json(text, limits, root)
    if found is not None:
        return found
    if isinstance(error, RecursionError):
        return InputRefused(
            "too_deep", root, f"the {limits.name} is nested more than {limits.max_depth} levels deep"
        )
    return InputRefused("invalid_json", root, f"the {limits.name} is not valid JSON: {error}")


def check_json_text(value: object, text: str, limits: Limits, root: str = "body") -> None:
    """Check a value parsed from `text` against the limits the parser hooks do not cover.

    Counts on the text decide whether a limit could be exceeded at all: a document shorter than the
    string limit holds no longer string (nor more keys than it has characters / 4), one with no
    more brackets than the depth limit is not nested deeper, and one without a `\\u0000` or
    `\\ud8..` escape holds no NUL or lone surrogate (a raw NUL is not valid JSON). Only then is the
    value walked."""
    if (
        len(text) <= limits.max_string_chars
        and len(text) <= 4 * limits.max_keys
        and text.count("{") + text.count("[") <= limits.max_depth
        and "\\u0000" not in text
        and "\\ud" not in text
        and "\\uD" not in text
    ):
        return
    check_value(value, limits, root)


def check_value(value: object, limits: Limits, root: str = "body") -> None:
    """Walk a parsed value (iteratively) checking depth, key count, strings and integers."""
    keys = 0
    biggest = 10**limits.max_integer_digits
    stack: list[tuple[object, list[str | int]]] = [(value, [])]
    while stack:
        item, parts = stack.pop()
        if isinstance(item, str):
            check_text(item, _path(root, parts), limits)
        elif isinstance(item, int):
            if not -biggest < item < biggest:
                raise InputRefused(
                    "integer_too_long",
                    _path(root, parts),
                    f"is an integer of more than {limits.max_integer_digits} digits",
                )
        elif isinstance(item, dict | list):
            if len(parts) >= limits.max_depth:
                raise InputRefused(
                    "too_deep",
                    _path(root, parts),
                    f"is nested more than {limits.max_depth} levels deep; at most {limits.max_depth} are allowed",
                )
            if isinstance(item, dict):
                keys += len(item)
                if keys > limits.max_keys:
                    raise InputRefused(
                        "too_many_keys",
                        root,
                        f"the {limits.name} has more than {limits.max_keys:,} keys in all",
                    )
                for key, member in item.items():
                    check_text(str(key), _path(root, [*parts, str(key)]), limits)
                    stack.append((member, [*parts, str(key)]))
            else:
                stack.extend((element, [*parts, i]) for i, element in enumerate(item))


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?[0-9][0-9.eE+\-]*|[A-Za-z]+|\s+')


def _scan_json(text: str, limits: Limits, root: str) -> InputRefused | None:
    """The first value breaking a limit the parser hooks enforce (depth, integer length, finite
    numbers), with its path; None if there is none. Used only after the parser gave up."""
    # Each open container: [is_object, key or index].
    stack: list[list[Any]] = []
    last_string: str = ""

    def here() -> str:
        return _path(root, [entry[1] for entry in stack if entry[1] is not None])

    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "{[":
            if len(stack) >= limits.max_depth:
                return InputRefused(
                    "too_deep",
                    here(),
                    f"is nested more than {limits.max_depth} levels deep; at most {limits.max_depth} are allowed",
                )
            stack.append([first == "{", None if first == "{" else 0])
        elif first in "}]":
            if stack:
                stack.pop()
        elif first == ":":
            if stack and stack[-1][0]:
                stack[-1][1] = last_string
        elif first == ",":
            if stack and not stack[-1][0]:
                stack[-1][1] += 1
        elif first == '"':
            try:
                last_string = json.loads(token)
            except ValueError:
                last_string = token[1:-1]
        elif first == "-" or first.isdigit():
            digits = token.lstrip("-")
            if digits.isdigit() and len(digits) > limits.max_integer_digits:
                return InputRefused(
                    "integer_too_long",
                    here(),
                    f"is an integer of {_plural(len(digits), 'digit')}; at most {limits.max_integer_digits} are allowed",
                )
            if not digits.isdigit():
                try:
                    finite = math.isfinite(float(token))
                except ValueError:
                    finite = True
                if not finite:
                    return InputRefused("not_finite", here(), "is a number too large to represent")
        elif first.isalpha() and token in ("NaN", "Infinity"):
            return InputRefused("not_finite", here(), f"{token} is not a JSON value; send a number or null")
    return None


# --- TOML -----------------------------------------------------------------------------------------

_TOML_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t]+)
    |(?P<nl>\r?\n)
    |(?P<comment>\#[^\n]*)
    |(?P<mlbasic>\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\""{0,2})
    |(?P<mlliteral>'''(?:[^']|'(?!''))*''''{0,2})
    |(?P<basic>"(?:[^"\\\n]|\\.)*")
    |(?P<literal>'[^'\n]*')
    |(?P<bare>[A-Za-z0-9_+\-.:]+)
    |(?P<punct>[\[\]{}=,])
    """,
    re.VERBOSE,
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_AFTER_SPACE = re.compile(r" [0-9]{2}:[A-Za-z0-9_+\-.:]*")
_QUOTES = {"mlbasic": 3, "mlliteral": 3, "basic": 1, "literal": 1}

# Scanner states: at the start of a line, in a [table] header, in a key, before a value, after a
# value, and at a key (or the closing brace) of an inline table.
_LINE, _HEADER, _KEY, _VALUE, _AFTER, _INLINE_KEY = range(6)


def parse_toml(data: bytes | str, limits: Limits = GUIDELINE_FILE) -> dict[str, Any]:
    """Parse TOML within `limits`: a linear scan first, then `tomllib`, then a check of the values
    (escapes can still spell a NUL). Raises InputRefused naming the line (or key) and the limit."""
    text = _decode(data, limits, "file")
    _scan_toml(text, limits)
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputRefused("invalid_toml", "file", f"the {limits.name} is not valid TOML: {error}") from None
    except (RecursionError, ValueError) as error:  # not reachable after the scan; never a crash
        raise InputRefused("invalid_toml", "file", f"the {limits.name} could not be read: {error}") from None
    check_value(parsed, limits, root="")
    return parsed


class _TomlScan:
    """One pass over the tokens of a TOML document, refusing at the first limit exceeded.

    It does not validate TOML (tomllib does that next): it follows just enough of the grammar to
    tell keys from values and to know how deep each value sits. Depth counts the tables and arrays
    around a value, the document itself included: `a = 1` is at depth 1, `[x.y]` puts its keys at
    depth 3, and each array or inline table adds one. Text it cannot tokenise is refused at its line.
    """

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.line = 1
        self.keys = 0
        self.parts = 0  # parts of the key or header being read
        self.base = 1  # depth of the table the key being read belongs to
        self.table = 1  # depth of the keys of the current [table]
        self.slot = 1  # depth of the value about to be read
        self.array_header = False
        self.stack: list[tuple[bool, int]] = []  # open arrays and inline tables: (is_table, depth inside)

    def refuse(self, code: str, message: str) -> InputRefused:
        return InputRefused(code, f"line {self.line}", message)

    def depth(self, depth: int) -> int:
        if depth > self.limits.max_depth:
            raise self.refuse(
                "too_deep",
                f"nests tables and arrays {depth} levels deep; at most {self.limits.max_depth} are allowed",
            )
        return depth

    def count_key(self) -> None:
        if self.parts > self.limits.max_key_parts:
            raise self.refuse(
                "key_too_long",
                f"has a key of {self.parts:,} dotted parts; at most {self.limits.max_key_parts} are allowed",
            )
        self.keys += 1
        if self.keys > self.limits.max_keys:
            raise self.refuse(
                "too_many_keys",
                f"holds key number {self.keys:,}; a {self.limits.name} may have at most {self.limits.max_keys:,}",
            )

    def string(self, kind: str, lexeme: str) -> None:
        length = len(lexeme) - 2 * _QUOTES[kind]  # escapes only make the parsed string shorter
        if length > self.limits.max_string_chars:
            raise self.refuse(
                "string_too_long",
                f"has a string of {_plural(length, 'character')}; "
                f"at most {self.limits.max_string_chars:,} are allowed",
            )

    def run(self) -> None:
        text, end, pos = self.text, len(self.text), 0
        state = _LINE
        while pos < end:
            match = _TOML_TOKEN.match(text, pos)
            if match is None:
                char = text[pos]
                if char in "\"'":
                    raise self.refuse("invalid_toml", "a string is not closed")
                raise self.refuse("invalid_toml", f"unexpected character {char!r} (U+{ord(char):04X})")
            kind = match.lastgroup or ""
            lexeme = match.group()
            pos = match.end()
            if kind == "ws" or kind == "comment":
                continue
            if kind == "nl":
                self.line += 1
                if state == _AFTER and not self.stack:
                    state = _LINE
                continue  # elsewhere a line break is left for tomllib to accept or refuse
            is_key = kind == "bare" or kind == "basic" or kind == "literal"
            if kind in _QUOTES:
                self.string(kind, lexeme)
            if state == _LINE:
                if lexeme == "[":
                    self.array_header = text.startswith("[", pos)
                    pos += self.array_header
                    state, self.parts = _HEADER, 1
                elif is_key:
                    state, self.base, self.parts = _KEY, self.table, _key_parts(kind, lexeme)
                else:
                    raise self.refuse(
                        "invalid_toml", f"expected a key or a [table] header, found {lexeme[:20]!r}"
                    )
            elif state in (_HEADER, _KEY):
                if is_key:
                    self.parts += _key_parts(kind, lexeme) - 1 if kind == "bare" else 0
                elif state == _HEADER and lexeme == "]":
                    if self.array_header:
                        if not text.startswith("]", pos):
                            raise self.refuse(
                                "invalid_toml", "an array-of-tables header [[...]] is not closed"
                            )
                        pos += 1
                    self.count_key()
                    self.table = self.depth(1 + self.parts + self.array_header)
                    state = _AFTER
                elif state == _KEY and lexeme == "=":
                    self.count_key()
                    self.slot = self.depth(self.base + self.parts - 1)
                    state = _VALUE
                else:
                    raise self.refuse("invalid_toml", f"unexpected {lexeme[:20]!r} in a key")
            elif state == _VALUE:
                if lexeme == "[" or lexeme == "{":
                    inside = self.depth(self.slot + 1)
                    self.stack.append((lexeme == "{", inside))
                    if lexeme == "{":
                        state = _INLINE_KEY
                    else:
                        self.slot = inside
                elif lexeme == "]" and self.stack and not self.stack[-1][0]:
                    state = self.close()
                elif kind == "bare":
                    if _DATE.fullmatch(lexeme):
                        time = _TIME_AFTER_SPACE.match(text, pos)
                        if time is not None:
                            lexeme += time.group()
                            pos = time.end()
                    self.value(lexeme)
                    state = _AFTER
                elif kind in _QUOTES:
                    self.line += lexeme.count("\n")
                    state = _AFTER
                else:
                    raise self.refuse("invalid_toml", f"expected a value, found {lexeme[:20]!r}")
            elif state == _INLINE_KEY:
                if lexeme == "}":
                    state = self.close()
                elif is_key:
                    state, self.base, self.parts = _KEY, self.stack[-1][1], _key_parts(kind, lexeme)
                else:
                    raise self.refuse(
                        "invalid_toml", f"expected a key in an inline table, found {lexeme[:20]!r}"
                    )
            else:  # _AFTER
                if not self.stack:
                    raise self.refuse("invalid_toml", f"expected the end of the line, found {lexeme[:20]!r}")
                is_table, inside = self.stack[-1]
                if lexeme == ",":
                    if is_table:
                        state = _INLINE_KEY
                    else:
                        state, self.slot = _VALUE, inside
                elif lexeme == ("}" if is_table else "]"):
                    state = self.close()
                else:
                    raise self.refuse(
                        "invalid_toml", f"expected ',' or a closing bracket, found {lexeme[:20]!r}"
                    )
        if self.stack:
            raise self.refuse("invalid_toml", "an array or inline table is not closed")

    def close(self) -> int:
        self.stack.pop()
        return _AFTER

    def value(self, lexeme: str) -> None:
        limits = self.limits
        if _INTEGER.fullmatch(lexeme):
            digits = lexeme.lstrip("+-")
            if digits[:2] in ("0x", "0o", "0b"):
                digits = digits[2:]
            count = len(digits.replace("_", ""))
            if count > limits.max_integer_digits:
                raise self.refuse(
                    "integer_too_long",
                    f"has an integer of {_plural(count, 'digit')}; at most {limits.max_integer_digits} are allowed",
                )
        elif len(lexeme) > limits.max_value_chars:
            raise self.refuse(
                "value_too_long",
                f"has a value of {_plural(len(lexeme), 'character')} (a number or date); "
                f"at most {limits.max_value_chars} are allowed",
            )


def _key_parts(kind: str, token: str) -> int:
    """Parts a key token adds: a bare token `a.b` is two parts, a quoted one (dots and all) one."""
    return 1 + token.count(".") if kind == "bare" else 1


def _scan_toml(text: str, limits: Limits) -> None:
    nul = text.find("\x00")
    if nul >= 0:
        raise InputRefused(
            "nul_character",
            f"line {text.count(chr(10), 0, nul) + 1}",
            "contains a NUL character (U+0000), which is not allowed",
        )
    _TomlScan(text, limits).run()


_INTEGER = re.compile(r"[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+)")


# --- lines and CSV --------------------------------------------------------------------------------


def bounded_lines(stream: Iterable[str], limits: Limits) -> Iterator[tuple[int, str | InputRefused]]:
    """Lines of `stream`, numbered from 1, each read with at most `limits.max_bytes` characters in
    memory (for a file; any other iterable of lines is taken line by line as it comes): a longer
    line is skipped to its end and given as an InputRefused in its place."""
    cap = limits.max_bytes
    readline = getattr(stream, "readline", None)
    if readline is None:
        lines: Iterator[str] = iter(stream)
    else:

        def read_lines() -> Iterator[str]:
            while line := readline(cap + 1):
                if len(line) > cap and not line.endswith("\n"):
                    while (rest := readline(cap)) and not rest.endswith("\n"):
                        pass  # the rest of the line is read and dropped, a piece at a time
                yield line

        lines = read_lines()
    for number, line in enumerate(lines, 1):
        if len(line) > cap and (len(line) > cap + 1 or not line.endswith("\n")):
            yield (
                number,
                InputRefused(
                    "line_too_long",
                    f"line {number}",
                    f"is longer than {cap:,} characters; at most {cap:,} are allowed on one {limits.name}",
                ),
            )
        else:
            yield number, line


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One CSV record: the line it starts on and its cells, or why it was refused."""

    line: int
    cells: list[str] | None
    refused: InputRefused | None = None


def csv_rows(stream: Iterable[str], limits: Limits) -> Iterator[CsvRow]:
    """CSV records of `stream` within `limits`: at most `max_bytes` per line, `max_string_chars`
    per cell and `max_keys` cells per record. A record breaking a limit, or one the reader cannot
    parse, is yielded refused, and reading goes on with the next line."""
    too_long: list[InputRefused] = []

    def lines() -> Iterator[str]:
        for _, line in bounded_lines(stream, limits):
            if isinstance(line, InputRefused):
                too_long.append(line)
                yield "\n"  # keeps the reader's line count; the record is refused below
            else:
                yield line

    previous = csv.field_size_limit(limits.max_string_chars)
    try:
        reader = csv.reader(lines())
        last_line = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                start, last_line = last_line + 1, reader.line_num
                yield CsvRow(
                    start, None, too_long.pop() if too_long else _csv_refusal(str(error), start, limits)
                )
                continue
            start, last_line = last_line + 1, reader.line_num
            refused = too_long.pop() if too_long else _check_cells(cells, start, limits)
            yield CsvRow(start, None if refused else cells, refused)
    finally:
        csv.field_size_limit(previous)


def _csv_refusal(message: str, line: int, limits: Limits) -> InputRefused:
    if "field larger than field limit" in message:
        return InputRefused(
            "string_too_long",
            f"line {line}",
            f"has a cell longer than {limits.max_string_chars:,} characters",
        )
    return InputRefused("invalid_csv", f"line {line}", f"cannot be read as CSV: {message}")


def _check_cells(cells: list[str], line: int, limits: Limits) -> InputRefused | None:
    if len(cells) > limits.max_keys:
        return InputRefused(
            "too_many_cells",
            f"line {line}",
            f"has {len(cells):,} cells; at most {limits.max_keys:,} are allowed",
        )
    for cell in cells:
        if "\x00" in cell:
            return InputRefused("nul_character", f"line {line}", "contains a NUL character (U+0000)")
    return None
