"""Typed reading of strict-YAML mappings: each getter validates one key and reports what is wrong.

A `Fields` wraps one YAML mapping of one file. Getters return None (and record a Problem) on bad
input, so a loader can read every key of every file and report all problems in one run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from jdih_build.i18n import _
from jdih_build.load.problems import Problems
from jdih_build.load.strict_yaml import Node, Scalar, YMap, YSeq

_INT = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
MAX_DIGITS = 18
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def kind_of(node: Node) -> str:
    if isinstance(node, YMap):
        return _("a mapping")
    if isinstance(node, YSeq):
        return _("a list")
    return _("text")


class Fields:
    """Reads the keys of one mapping, recording problems against `path`."""

    def __init__(self, mapping: YMap, path: Path, problems: Problems, what: str) -> None:
        self.mapping = mapping
        self.path = path
        self.problems = problems
        self.what = what  # e.g. "product", "sign-off": used in messages

    # -- bookkeeping ---------------------------------------------------------------------------
    def line(self, key: str) -> int:
        return self.mapping.key_lines.get(key, self.mapping.line)

    def error(self, key: str | None, message: str, fix: str, line: int | None = None) -> None:
        if line is None:
            line = self.line(key) if key else self.mapping.line
        self.problems.add(self.path, line, message, fix)

    def check_known(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.mapping:
            if key not in allowed:
                close = _closest(key, allowed)
                hint = _("did you mean '{close}'?").format(
                    close=close) if close else _("allowed keys: {join_sorted_allowed}").format(join_sorted_allowed=', '.join(sorted(allowed)))
                self.error(key, _("unknown key '{key}' in {self_what}").format(key=key, self_what=self.what), _("remove it or fix the name ({hint})").format(hint=hint))

    def present(self, key: str) -> bool:
        node = self.mapping.get(key)
        return node is not None and not (isinstance(node, Scalar) and node.is_null)

    def require(self, key: str, why: str = "") -> bool:
        if self.present(key):
            return True
        self.error(None, _("missing required key '{key}'{why}").format(key=key, why=why), _("add a line `{key}: ...`").format(key=key), line=self.mapping.line)
        return False

    def _scalar(self, key: str, expected: str) -> Scalar | None:
        node = self.mapping.get(key)
        if node is None:
            return None
        if not isinstance(node, Scalar):
            self.error(key, _("'{key}' must be {expected}, not {kind_of_node}").format(
                key=key, expected=expected, kind_of_node=kind_of(node)), _("write `{key}:` with {expected}").format(key=key, expected=expected))
            return None
        if node.is_null:
            return None
        return node

    # -- typed getters -------------------------------------------------------------------------
    def text(self, key: str, required: bool = False) -> str | None:
        if required and not self.require(key):
            return None
        node = self._scalar(key, _("text"))
        if node is None:
            return None
        value = node.text.strip()
        if not value:
            self.error(key, _("'{key}' is empty").format(key=key), _("write a value for '{key}' or remove the line").format(key=key))
            return None
        return value

    def choice(self, key: str, options: Iterable[str], required: bool = False, default: str | None = None,
               case_insensitive: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return default
        options = list(options)
        if case_insensitive:
            for option in options:
                if option.casefold() == value.casefold():
                    return option
        elif value in options:
            return value
        self.error(key, _("'{key}' is '{value}', not one of: {join_options}").format(
            key=key, value=value, join_options=', '.join(options)), _("use one of: {join_options}").format(join_options=', '.join(options)))
        return None

    def integer(self, key: str, required: bool = False, low: int | None = None, high: int | None = None) -> int | None:
        if required and not self.require(key):
            return None
        node = self._scalar(key, _("a whole number"))
        if node is None:
            return None
        if node.quoted and _INT.fullmatch(node.text.strip()):   # tahun: "2024": the number, without the quotes
            self.error(key, _("'{key}' must be a number without quotes, not \"{node_text_40}\"").format(key=key, node_text_40=node.text[:40]),
                       _("remove the quotes: `{key}: {node_text_strip}`").format(key=key, node_text_strip=node.text.strip()))
            return None
        if node.quoted or not _INT.fullmatch(node.text):
            self.error(key, _("'{key}' must be a whole number, not '{node_text_40}'").format(
                key=key, node_text_40=node.text[:40]), _("write e.g. `{key}: {low_or_1}`").format(key=key, low_or_1=low or 1))
            return None
        if len(node.text.lstrip("+-").lstrip("0")) > MAX_DIGITS:   # int() of 4,300+ digits raises
            self.error(key, _("'{key}' has {len_node_text} digits, outside {low}..{high}").format(key=key, len_node_text=len(node.text), low=low, high=high),
                       _("write a value between {low} and {high}").format(low=low, high=high))
            return None
        value = int(node.text, 10)
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(key, _("'{key}' is {value}, outside {low}..{high}").format(
                key=key, value=value, low=low, high=high), _("write a value between {low} and {high}").format(low=low, high=high))
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool | None:
        node = self._scalar(key, _("true or false"))
        if node is None:
            return default
        if not node.quoted and node.text in _TRUE:
            return True
        if not node.quoted and node.text in _FALSE:
            return False
        self.error(key, _("'{key}' must be true or false, not '{node_text}'").format(
            key=key, node_text=node.text), _("write `{key}: true` or `{key}: false`").format(key=key))
        return None

    def date(self, key: str, required: bool = False) -> date | None:
        if required and not self.require(key):
            return None
        node = self._scalar(key, _("a date YYYY-MM-DD"))
        if node is None:
            return None
        if not _DATE.fullmatch(node.text):
            self.error(key, _("'{key}' must be a date YYYY-MM-DD, not '{node_text}'").format(
                key=key, node_text=node.text), _("write e.g. `{key}: 2023-10-25`").format(key=key))
            return None
        try:
            return date.fromisoformat(node.text)
        except ValueError as exc:
            self.error(key, _("'{key}' is not a real date: {node_text} ({exc})").format(key=key, node_text=node.text, exc=exc), _("check the day and month"))
            return None

    def timestamp(self, key: str, required: bool = False) -> datetime | None:
        if required and not self.require(key):
            return None
        node = self._scalar(key, _("a date-time with its UTC offset"))
        if node is None:
            return None
        if not _DATETIME.fullmatch(node.text):
            self.error(key, _("'{key}' must be a date-time with its UTC offset, not '{node_text}'").format(key=key, node_text=node.text),
                       _("write e.g. `{key}: 2023-10-17T09:30:00+07:00`").format(key=key))
            return None
        try:
            return datetime.fromisoformat(node.text.replace(" ", "T", 1))
        except ValueError as exc:
            self.error(key, _("'{key}' is not a real date-time: {node_text} ({exc})").format(key=key, node_text=node.text, exc=exc), _("check the day, month and time"))
            return None

    def text_list(self, key: str) -> list[str] | None:
        node = self.mapping.get(key)
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return []
        if not isinstance(node, YSeq):
            self.error(key, _("'{key}' must be a list").format(key=key), _("write one `- item` line per entry under `{key}:`").format(key=key))
            return None
        values: list[str] = []
        for item in node:
            if not isinstance(item, Scalar) or item.is_null or not item.text.strip():
                self.error(key, _("an entry of '{key}' is not plain text").format(key=key), _("write each entry as `- text`"),
                           line=getattr(item, "line", node.line))
                return None
            values.append(item.text.strip())
        return values

    def mapping_list(self, key: str) -> list[YMap] | None:
        node = self.mapping.get(key)
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return []
        if not isinstance(node, YSeq) or not all(isinstance(item, YMap) for item in node):
            self.error(key, _("'{key}' must be a list of mappings").format(key=key), _("write entries as `- key: value` under `{key}:`").format(key=key))
            return None
        return list(node)


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return matches[0] if matches else None
