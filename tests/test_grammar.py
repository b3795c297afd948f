"""The grammar is LALR(1) without conflicts or terminal collisions, and covers §1.3's words."""

from __future__ import annotations

import re

from lark import Lark

from mlpy.language.parser import RESERVED_WORDS, grammar_text, parser

SPEC_RESERVED = (
    "function fn if elif else while for in return break continue try except finally throw import as"
    " nonlocal true false null undefined capability"
).split()


def test_grammar_builds_in_strict_mode() -> None:
    """``strict=True`` raises on shift/reduce conflicts and on regex collisions (needs interegular)."""
    Lark(grammar_text(), parser="lalr", lexer="contextual", strict=True, start="program")


def test_the_parser_in_use_is_lalr_with_the_contextual_lexer() -> None:
    options = parser().options
    assert (options.parser, options.lexer) == ("lalr", "contextual")


def test_reserved_words_are_the_spec_list() -> None:
    assert sorted(RESERVED_WORDS) == sorted(SPEC_RESERVED)
    text = grammar_text()
    for word, terminal in RESERVED_WORDS.items():
        assert re.search(rf'^{terminal}: "{word}"$', text, re.MULTILINE), word


def test_every_reserved_word_may_be_a_key_or_member_name() -> None:
    """§1.3: the ``keyword`` rule (used for object keys and member names) lists every word."""
    rule = re.search(r"^keyword:(.*?)\n\n", grammar_text(), re.MULTILINE | re.DOTALL)
    assert rule is not None
    assert set(re.findall(r"[A-Z]+", rule.group(1))) == set(RESERVED_WORDS.values())
