"""A strict YAML reader: no anchors, aliases, tags or duplicate keys, and no implicit typing.

PyYAML's safe_load follows YAML 1.1, where `012` is the integer 10 and `NO` is False. Here every
scalar keeps its source text (`Scalar.text`), whether it was quoted, and its line; the field
validators decide what a value means. Events come from the libyaml parser when present (fast), and
the tree is composed here, so that anchors and aliases are refused before anything is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from jdih_build.i18n import _

# Characters no field may hold: C0/C1 controls but tab, line feed and carriage return (they break
# XML feeds and rewrite terminals: ESC erases lines), and the bidirectional overrides that make text
# read differently from what it is ("Trojan source").
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    """Malformed or disallowed YAML; `line` is 1-based within the parsed text."""

    def __init__(self, message: str, line: int | None, fix: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.fix = fix


@dataclass(frozen=True)
class Scalar:
    text: str
    quoted: bool
    line: int

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


class YMap(dict):
    """A mapping from key text to node, remembering each key's line."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}


class YSeq(list):
    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


Node = Scalar | YMap | YSeq


def _line(event: yaml.Event, offset: int) -> int:
    mark = event.start_mark
    return (mark.line if mark is not None else 0) + 1 + offset


# Without these characters a document can hold no anchor (&), alias (*), tag (!) or directive (%):
# then libyaml's C composer may build the nodes (twice as fast), and only the checks that remain
# (duplicate keys, control characters, plain keys) run here. Anything else takes the event path.
_SPECIAL = re.compile(r"[&*!%]")


def parse(text: str, line_offset: int = 0) -> Node | None:
    """Parse one YAML document into Scalar/YMap/YSeq nodes; None for an empty document."""
    if _SPECIAL.search(text) is None:
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError:
            pass   # the event path below reports it, with the same message as always
        else:
            return None if node is None else _from_node(node, line_offset)
    return _parse_events(text, line_offset)


def _check_scalar(value: str, line: int) -> None:
    bad = CONTROL_CHARACTERS.search(value)
    if bad is not None:
        raise YamlError(_("a value holds the control character U+{ord_bad_group:04X}").format(ord_bad_group=ord(bad.group())), line,
                        _("remove it (an escape such as \\x1b in a quoted value writes one)"))


def _from_node(node: yaml.Node, offset: int) -> Node:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node.value, line)
        return Scalar(node.value, node.style not in (None, ""), line)
    if isinstance(node, yaml.SequenceNode):
        seq = YSeq(line)
        seq.extend(_from_node(item, offset) for item in node.value)
        return seq
    mapping = YMap(line)
    for key_node, value_node in node.value:
        key = _from_node(key_node, offset)
        if not isinstance(key, Scalar):
            raise YamlError(_("a mapping key must be plain text"), key.line, _("use a simple `key: value` line"))
        if key.text in mapping:
            raise YamlError(_("duplicate key '{key_text}' (first on line {value})").format(key_text=key.text, value=mapping.key_lines[key.text]), key.line,
                            _("keep one of the two; YAML would silently keep only the last"))
        mapping.key_lines[key.text] = key.line
        mapping[key.text] = _from_node(value_node, offset)
    return mapping


def _parse_events(text: str, line_offset: int) -> Node | None:
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        # A quote or bracket left open is found only lines later: name the line where it opened.
        context = exc.context or ""
        unclosed = exc.context_mark is not None and (
            context.startswith(("while scanning a quoted scalar", "while parsing a flow sequence", "while parsing a flow mapping")))
        mark = exc.context_mark if unclosed else exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        reason = exc.problem or str(exc)
        if unclosed:
            quote = "quoted" in context
            raise YamlError(_("invalid YAML: a quote opened on this line is never closed") if quote else
                            _("invalid YAML: a [ or { opened on this line is never closed"), line,
                            _("end the value with the same quote") if quote else _("close the list with ] (a mapping with })")) from None
        raise YamlError(_("invalid YAML: {reason}").format(reason=reason), line, _("fix the YAML syntax (indentation, colons, quotes)")) from None
    except yaml.YAMLError as exc:
        raise YamlError(_("invalid YAML: {exc}").format(exc=exc), None, _("fix the YAML syntax")) from None

    pos = 0
    documents: list[Node | None] = []

    def next_event() -> yaml.Event:
        nonlocal pos
        event = events[pos]
        pos += 1
        return event

    def compose() -> Node:
        event = next_event()
        line = _line(event, line_offset)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(_("YAML aliases (*name) are not allowed"), line, _("write the value out in full"))
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlError(_("YAML anchors (&{anchor}) are not allowed").format(anchor=anchor), line, _("remove the anchor and write values out in full"))
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise YamlError(_("YAML tags ({tag}) are not allowed").format(tag=tag), line, _("remove the tag; write a plain value"))
        if isinstance(event, yaml.ScalarEvent):
            _check_scalar(event.value, line)
            return Scalar(event.value, event.style not in (None, ""), line)
        if isinstance(event, yaml.SequenceStartEvent):
            seq = YSeq(line)
            while not isinstance(events[pos], yaml.SequenceEndEvent):
                seq.append(compose())
            next_event()
            return seq
        if isinstance(event, yaml.MappingStartEvent):
            mapping = YMap(line)
            while not isinstance(events[pos], yaml.MappingEndEvent):
                key = compose()
                if not isinstance(key, Scalar):
                    raise YamlError(_("a mapping key must be plain text"), key.line, _("use a simple `key: value` line"))
                if key.text in mapping:
                    raise YamlError(
                        _("duplicate key '{key_text}' (first on line {value})").format(key_text=key.text, value=mapping.key_lines[key.text]),
                        key.line,
                        _("keep one of the two; YAML would silently keep only the last"),
                    )
                mapping.key_lines[key.text] = key.line
                mapping[key.text] = compose()
            next_event()
            return mapping
        raise YamlError(_("unexpected YAML event {type_event_name}").format(type_event_name=type(event).__name__), line, _("fix the YAML syntax"))

    while pos < len(events):
        event = next_event()
        if isinstance(event, yaml.DocumentStartEvent):
            if isinstance(events[pos], yaml.DocumentEndEvent):
                documents.append(None)
            else:
                documents.append(compose())
        # StreamStart/StreamEnd/DocumentEnd carry nothing
    if len(documents) > 1:
        raise YamlError(_("more than one YAML document in the file"), None, _("remove the extra '---' separators"))
    return documents[0] if documents else None
