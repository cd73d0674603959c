"""The C-composer fast path of strict_yaml gives exactly the tree (values, quoting, lines) of the
event path, and the event path still guards everything the fast path cannot see."""

from __future__ import annotations

import pytest

from jdih_build.load.strict_yaml import Scalar, YamlError, YMap, YSeq, _from_node, _parse_events, parse

DOCUMENTS = [
    "produk: kpt-1\nlangkah: 4\nberkas:\n  \"a.md\": \"ff\"\n  b.pdf: 00\ncatatan: 'x y'\n",
    "- nama: A\n  peran: [web_admin, administrator]\n- nama: B\n  nip: \"0123\"\n",
    "a: |\n  baris satu\n  baris dua\nb: >\n  dilipat\n  teks\nc: ~\nd:\ne: NO\nf: 012\n",
    "judul: \"Keputusan \\u00e9\"\nsubjek: []\nrelasi: {}\n",
    "",
    "# only a comment\n",
]


def tree(node):
    if isinstance(node, Scalar):
        return ("s", node.text, node.quoted, node.line)
    if isinstance(node, YSeq):
        return ("l", node.line, [tree(n) for n in node])
    if isinstance(node, YMap):
        return ("m", node.line, {k: (node.key_lines[k], tree(v)) for k, v in node.items()})
    return node


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_path_equals_event_path(text: str) -> None:
    import yaml
    node = yaml.compose(text, Loader=yaml.CSafeLoader)
    fast = None if node is None else _from_node(node, 3)
    assert tree(fast) == tree(_parse_events(text, 3))


@pytest.mark.parametrize("text, words", [("a: 1\na: 2\n", "duplicate key"), ("a: \"\\x1b\"\n", "control character"),
                                         ("a: &x 1\nb: *x\n", "anchors"), ("a: !!str 1\n", "tags"),
                                         ("%YAML 1.1\n---\na: 1\n", ""), ("a: [1\n", "invalid YAML"),
                                         ("? [a]\n: 1\n", "plain text"), ("a: 1\n---\nb: 2\n", "more than one")])
def test_both_paths_refuse_the_same(text: str, words: str) -> None:
    try:
        parse(text)
    except YamlError as exc:
        assert words in exc.message
    else:
        assert words == "", "accepted"
