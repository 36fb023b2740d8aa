"""Compiled JSON Schema keywords: each answers `ok(value)` fast and, for a failing value, `collect`s
every violation (instance path, keyword, a sentence that quotes only the contract, never the value).
The common keywords are here; the other applicator and object keywords in applicators.py.

A schema object compiles to a Node (its keywords' checks); `ok` is the hot path (valid records pay
only that), `collect` runs only for a value `ok` refused and descends only into failing children,
carrying where it is in the contract (`At`), so each violation names its rule's place.

Over 300 lines: one compiled class per assertion keyword of draft 2020-12.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from handlers.recordcontract.formats import FORMAT_NAMES, FORMATS
from handlers.recordcontract.values import (
    is_integer,
    is_multiple,
    json_equal,
    unique_key,
)
from handlers.values.jsonnumbers import HugeNumber

Path = tuple[str | int, ...]
# Where a keyword is in the contract, as the walk reached it: its schema location (JSON Pointer parts,
# through each $ref: JSON Schema's keywordLocation) and the readable pattern of the instance paths it
# applies to (`/order-info/lines/*/quantity`: `*` any item or any member the keyword does not name).
# Together with the keyword they identify a rule (handlers/core/rules.py; docs/reference.md, "Rules and
# their keys").
At = tuple[Path, str]
TOP: At = ((), "")


def shown_name(name: str) -> str:
    """A member name in a rule's pattern: as a JSON Pointer part, quoted as JSON when it could be read
    as something else (`*`, an index, a `[marker]`, a quoted name)."""
    if name == "*" or name.isdigit() or "[" in name or name.startswith('"'):
        return "/" + json.dumps(name)
    return "/" + name.replace("~", "~0").replace("/", "~1")


def step(at: At, parts: Path, shown: str) -> At:
    """`at` one step further: schema location parts appended, and `shown` appended to the pattern."""
    return (*at[0], *parts), at[1] + shown


class Collector:
    """Violations as found: the first `limit` kept, the rest only counted; `watch`ed (path, keyword)
    pairs are noted even past the limit (the caller derives a reason code from them), and so is `code`:
    of the first violation with a code, its `x-reason` (the innermost schema around it that carries
    one: `context`), or "" when that violation is a watched one without an x-reason.

    `places[i]` is where `found[i]` is in the contract (its keyword's schema location and pattern);
    `rules` holds every rule broken, past the limit too: (pattern, keyword) -> schema location of its
    first violation (a record's violations are bounded by its size, their rules by the contract)."""

    __slots__ = ("code", "context", "found", "limit", "noted", "omitted", "places", "rules", "watch")

    def __init__(self, limit: int, watch: frozenset[tuple[Path, str]] = frozenset()) -> None:
        self.limit = limit
        self.watch = watch
        self.found: list[tuple[Path, str, str]] = []
        self.places: list[At] = []
        self.rules: dict[tuple[str, str], Path] = {}
        self.noted: set[tuple[Path, str]] = set()
        self.omitted = 0
        self.context: str | None = None
        self.code: str | None = None

    def add(self, path: Path, rule: str, message: str, at: At) -> None:
        """A violation of `rule` at instance `path`; `at`: the keyword's place (location and pattern)."""
        watched = (path, rule) in self.watch
        if watched:
            self.noted.add((path, rule))
        if self.code is None and (self.context is not None or watched):
            self.code = self.context or ""  # "": the first coded violation is a watched one
        self.rules.setdefault((at[1], rule), at[0])
        if len(self.found) < self.limit:
            self.found.append((path, rule, message))
            self.places.append(at)
        else:
            self.omitted += 1


class Check:
    """One keyword (or a group of keywords that only make sense together)."""

    __slots__ = ()

    def ok(self, value: Any) -> bool:
        raise NotImplementedError

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        """Add this keyword's violations by `value` at `path`; `at`: the place of the schema holding
        the keyword (each keyword adds its own name to the location)."""
        raise NotImplementedError

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        """The members of `value` this keyword evaluated (for unevaluatedProperties; `value` meets it)."""
        return set()

    def items_seen(self, value: list[Any]) -> set[int]:
        """The indices of `value` this keyword evaluated (for unevaluatedItems; `value` meets it)."""
        return set()


class Node(Check):
    """A schema object (or `true`/`false`): all of its checks; `reason`: its x-reason, if any."""

    __slots__ = ("checks", "fast", "oks", "reason", "refuse_all")

    def __init__(self, checks: list[Check], *, refuse_all: bool = False, reason: str | None = None) -> None:
        self.checks = checks
        self.refuse_all = refuse_all
        self.reason = reason
        self.oks: tuple[Callable[[Any], bool], ...] = ()
        self.fast: Callable[[Any], bool] = self.ok
        self.link()

    def link(self) -> None:
        """Set the hot path: each keyword's test called directly, and `fast`, what a parent calls:
        the one test itself when the schema has a single keyword (one call less per level)."""
        self.oks = tuple(fast_test(check) for check in self.checks)
        if self.refuse_all:
            self.fast = _refuse
        elif not self.oks:
            self.fast = _accept
        else:
            self.fast = _all_of(self.oks)

    def ok(self, value: Any) -> bool:
        if self.refuse_all:
            return False
        for check in self.oks:  # noqa: SIM110  (a loop: all() with a generator is slower on the hot path)
            if not check(value):
                return False
        return True

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return seen_members(self, value)

    def items_seen(self, value: list[Any]) -> set[int]:
        return seen_items(self, value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        if self.reason is None:
            self._collect(value, path, out, at)
            return
        outer, out.context = out.context, self.reason
        try:
            self._collect(value, path, out, at)
        finally:
            out.context = outer

    def _collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        if self.refuse_all:
            out.add(path, "false", "is not allowed by the contract", at)
            return
        for check in self.checks:
            kind = type(check)
            # Members and Items report only their failing members (each tested with the member's
            # generated `fast`): no need to test the whole value first.
            if kind is Members:
                if type(value) is dict:
                    check.collect(value, path, out, at)
            elif kind is Items:
                if type(value) is list:
                    check.collect(value, path, out, at)
            elif kind is Ref:
                assert isinstance(check, Ref)
                if not check.node().fast(value):
                    check.collect(value, path, out, at)
            elif not check.ok(value):
                check.collect(value, path, out, at)


def seen_members(node: Node, value: dict[str, Any], skip: Check | None = None) -> set[str]:
    """The members of `value` the keywords of `node` (which `value` meets) evaluated, but `skip`."""
    seen: set[str] = set()
    for check in node.checks:
        if check is not skip:
            seen |= check.members_seen(value)
    return seen


def seen_items(node: Node, value: list[Any], skip: Check | None = None) -> set[int]:
    seen: set[int] = set()
    for check in node.checks:
        if check is not skip:
            seen |= check.items_seen(value)
    return seen


def _refuse(value: Any) -> bool:
    return False


def _accept(value: Any) -> bool:
    return True


def _all_of(tests: tuple[Callable[[Any], bool], ...]) -> Callable[[Any], bool]:
    """One callable for several tests: `and` chains for the usual 1-4 keywords (no loop, no method)."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda value: a(value) and b(value)
    if len(tests) == 3:
        a, b, c = tests
        return lambda value: a(value) and b(value) and c(value)
    if len(tests) == 4:
        a, b, c, d = tests
        return lambda value: a(value) and b(value) and c(value) and d(value)
    return lambda value: all(test(value) for test in tests)


def fast_test(check: Check) -> Callable[[Any], bool]:
    """The cheapest callable answering `check.ok` (a resolved $ref: its target's)."""
    if isinstance(check, Simple):
        return check.test
    if isinstance(check, Ref) and check.target is not None:
        return check.target.fast
    if isinstance(check, Node):
        return check.fast
    return check.ok


class Simple(Check):
    """A keyword whose failure is one violation at the value's own path. `param` is the keyword's
    compiled value (type names, limit, enum values, pattern search, format name) for the generated
    hot path (handlers/recordcontract/codegen.py), which inlines the common keywords instead of calling
    `test` (a pattern's text, a format's name)."""

    __slots__ = ("message", "param", "rule", "test")

    def __init__(self, rule: str, message: str, test: Callable[[Any], bool], param: Any = None) -> None:
        self.rule = rule
        self.message = message
        self.test = test
        self.param = param

    def ok(self, value: Any) -> bool:
        return self.test(value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        out.add(path, self.rule, self.message, ((*at[0], self.rule), at[1]))


def _article(name: str) -> str:
    return ("an " if name[0] in "aeiou" else "a ") + name


_KINDS: dict[str, tuple[type, ...]] = {
    "null": (type(None),),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, Decimal, HugeNumber),
}


def type_check(names: list[str]) -> Check:
    message = "must be " + " or ".join(_article(name) for name in names)
    kinds = frozenset(kind for name in names for kind in _KINDS.get(name, ()))
    if names == ["object"]:
        return Simple("type", message, lambda value: type(value) is dict, names)
    if names == ["string"]:
        return Simple("type", message, lambda value: type(value) is str, names)
    if "integer" in names and "number" not in names:
        return Simple("type", message, lambda value: type(value) in kinds or is_integer(value), names)
    return Simple("type", message, lambda value: type(value) in kinds, names)


def enum_check(values: list[Any]) -> Check:
    keys = frozenset(unique_key(value) for value in values)
    strings = frozenset(value for value in values if type(value) is str)

    def test(value: Any) -> bool:
        if type(value) is str:
            return value in strings
        return unique_key(value) in keys

    return Simple("enum", f"must be one of the {len(values)} values the contract lists", test, values)


def const_check(expected: Any) -> Check:
    return Simple("const", "must be the value the contract fixes", lambda value: json_equal(value, expected))


# Enough digits for any remainder of numbers DynamoDB holds; beyond, the exact integer method decides.
REMAINDER = Context(prec=80, traps=[InvalidOperation])
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
_WORDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "greater than",
    "exclusiveMaximum": "less than",
    "multipleOf": "a multiple of",
}


def multiple_of(value: int | Decimal, factor: int | Decimal) -> bool:
    if type(value) is int and type(factor) is int:
        return value % factor == 0
    try:
        # Never a wrong zero: a rounded remainder keeps its magnitude, and a zero one is exact.
        return bool(REMAINDER.remainder(value, factor) == 0)
    except InvalidOperation:  # the quotient has more than 80 digits
        return is_multiple(value, factor)


def numeric_check(rule: str, limit: int | Decimal) -> Check:
    """Applies to numbers only (exact int/Decimal comparisons); a HugeNumber fails: it cannot be
    compared exactly (and DynamoDB refuses it anyway)."""
    holds = _COMPARE.get(rule, multiple_of)

    def test(value: Any) -> bool:
        kind = type(value)
        if kind is int or kind is Decimal:
            return holds(value, limit)
        return kind is not HugeNumber

    return Simple(rule, f"must be {_WORDS[rule]} {limit}", test, limit)


def length_check(rule: str, limit: int) -> Check:
    if rule == "minLength":
        message = f"must be at least {limit} character{'s' * (limit != 1)} long"
        return Simple(rule, message, lambda value: type(value) is not str or len(value) >= limit, limit)
    message = f"must be at most {limit} character{'s' * (limit != 1)} long"
    return Simple(rule, message, lambda value: type(value) is not str or len(value) <= limit, limit)


def pattern_check(pattern: str, shown: str) -> Check:
    search = re.compile(pattern).search
    return Simple(
        "pattern",
        f"must match the contract's pattern {shown}",
        lambda value: type(value) is not str or search(value) is not None,
        pattern,
    )


def format_check(name: str) -> Check:
    test = FORMATS[name]
    return Simple(
        "format",
        f"must be {FORMAT_NAMES[name]}",
        lambda value: type(value) is not str or test(value),
        name,
    )


def count_check(rule: str, limit: int) -> Check:
    if rule == "minItems":
        return Simple(
            rule,
            f"must have at least {limit} items",
            lambda value: type(value) is not list or len(value) >= limit,
            limit,
        )
    return Simple(
        rule,
        f"must have at most {limit} items",
        lambda value: type(value) is not list or len(value) <= limit,
        limit,
    )


def _unique(value: Any) -> bool:
    if type(value) is not list:
        return True
    return len({unique_key(element) for element in value}) == len(value)


UNIQUE_ITEMS = Simple("uniqueItems", "must not repeat an item", _unique)


class Required(Check):
    """Each missing member is a violation at the member's own path (where the user must add it), and a
    rule of its own: its place is the name's in the list (`required/2`), its pattern the member's."""

    __slots__ = ("names",)

    def __init__(self, names: list[str]) -> None:
        self.names = tuple(names)

    def ok(self, value: Any) -> bool:
        if type(value) is not dict:
            return True
        for name in self.names:  # noqa: SIM110  (hot path)
            if name not in value:
                return False
        return True

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        for index, name in enumerate(self.names):
            if name not in value:
                where = step(at, ("required", index), shown_name(name))
                out.add((*path, name), "required", "is required", where)


class Members(Check):
    """properties, patternProperties and additionalProperties of one schema object (they interact).
    `star`: how a rule's pattern shows a member additionalProperties applies to (`/*`, marked when the
    schema has another keyword that `*` could stand for)."""

    __slots__ = (
        "additional",
        "by_name",
        "fast_additional",
        "fast_named",
        "fast_patterns",
        "named",
        "pattern_texts",
        "patterns",
        "star",
    )

    def __init__(
        self, named: dict[str, Node], patterns: list[tuple[str, Node]], additional: Node | None
    ) -> None:
        self.named = tuple(named.items())
        self.patterns = tuple((re.compile(pattern).search, node) for pattern, node in patterns)
        self.pattern_texts = tuple(pattern for pattern, _ in patterns)
        self.additional = additional
        self.star = "/*"
        self.fast_named: tuple[tuple[str, Callable[[Any], bool]], ...] = ()
        self.by_name: dict[str, Callable[[Any], bool]] = {}
        self.fast_patterns: tuple[tuple[Callable[[str], Any], Callable[[Any], bool]], ...] = ()
        self.fast_additional: Callable[[Any], bool] | None = None
        self.link()

    def link(self) -> None:
        self.fast_named = tuple((name, node.fast) for name, node in self.named)
        self.by_name = dict(self.fast_named)
        self.fast_patterns = tuple((search, node.fast) for search, node in self.patterns)
        self.fast_additional = None if self.additional is None else self.additional.fast

    def _members(self, value: dict[str, Any]) -> list[tuple[str, Node, str, int]]:
        """(name, schema, keyword, which pattern) for every (member, schema) pair that applies to it."""
        pairs = [(name, node, "properties", 0) for name, node in self.named if name in value]
        if self.patterns or self.additional is not None:
            declared = {name for name, _ in self.named}
            for name in value:
                matched = False
                for which, (search, node) in enumerate(self.patterns):
                    if search(name) is not None:
                        pairs.append((name, node, "patternProperties", which))
                        matched = True
                if not matched and self.additional is not None and name not in declared:
                    pairs.append((name, self.additional, "additionalProperties", 0))
        return pairs

    def ok(self, value: Any) -> bool:
        if type(value) is not dict:
            return True
        if not self.fast_patterns and self.fast_additional is None:  # properties alone
            for name, test in self.fast_named:  # noqa: SIM110  (hot path)
                if name in value and not test(value[name]):
                    return False
            return True
        by_name, patterns, additional = self.by_name, self.fast_patterns, self.fast_additional
        if not patterns and additional is not None:  # additionalProperties without patterns
            for name, member in value.items():  # noqa: SIM110  (hot path)
                if not by_name.get(name, additional)(member):
                    return False
            return True
        for name, member in value.items():
            named_test = by_name.get(name)
            matched = named_test is not None
            if named_test is not None and not named_test(member):
                return False
            for search, pattern_test in patterns:
                if search(name) is not None:
                    matched = True
                    if not pattern_test(member):
                        return False
            if not matched and additional is not None and not additional(member):
                return False
        return True

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return {name for name, _, _, _ in self._members(value)}

    def _at(self, at: At, name: str, keyword: str, which: int) -> At:
        if keyword == "properties":
            return step(at, (keyword, name), shown_name(name))
        if keyword == "additionalProperties":
            return step(at, (keyword,), self.star)
        pattern = self.pattern_texts[which]
        return step(at, (keyword, pattern), f"/*[patternProperties {json.dumps(pattern)}]")

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        for name, node, keyword, which in self._members(value):
            member = value[name]
            if node.fast(member):
                continue
            where = self._at(at, name, keyword, which)
            if keyword == "additionalProperties" and node.refuse_all:
                out.add((*path, name), "additionalProperties", "is not a member the contract allows", where)
            else:
                node.collect(member, (*path, name), out, where)


class Items(Check):
    """prefixItems (by position) and items (every element after them); `star` as in Members."""

    __slots__ = ("fast_prefix", "fast_rest", "prefix", "rest", "star")

    def __init__(self, prefix: list[Node], rest: Node | None) -> None:
        self.prefix = tuple(prefix)
        self.rest = rest
        self.star = "/*"
        self.fast_prefix: tuple[Callable[[Any], bool], ...] = ()
        self.fast_rest: Callable[[Any], bool] | None = None
        self.link()

    def link(self) -> None:
        self.fast_prefix = tuple(node.fast for node in self.prefix)
        self.fast_rest = None if self.rest is None else self.rest.fast

    def _pairs(self, value: list[Any]) -> list[tuple[int, Node]]:
        pairs = list(zip(range(len(value)), self.prefix, strict=False))
        if self.rest is not None:
            pairs += [(index, self.rest) for index in range(len(self.prefix), len(value))]
        return pairs

    def ok(self, value: Any) -> bool:
        if type(value) is not list:
            return True
        prefix, rest = self.fast_prefix, self.fast_rest
        for index, element in enumerate(value):
            if index < len(prefix):
                if not prefix[index](element):
                    return False
            elif rest is None:
                break
            elif not rest(element):
                return False
        return True

    def items_seen(self, value: list[Any]) -> set[int]:
        return {index for index, _ in self._pairs(value)}

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        first = len(self.prefix)
        for index, node in self._pairs(value):
            if not node.fast(value[index]):
                if index < first:
                    where = step(at, ("prefixItems", index), f"/{index}")
                else:
                    where = step(at, ("items",), self.star)
                if node.refuse_all and node is self.rest:
                    out.add((*path, index), "items", "is an item the contract does not allow", where)
                else:
                    node.collect(value[index], (*path, index), out, where)


class Ref(Check):
    """$ref to a subschema of the same contract, resolved after compiling (so recursion works). A rule
    reached through it is at `.../$ref/...` (the place where it applies, not where it is written: the
    same definition checks order quantities and line quantities, two rules); its pattern shows the
    `$ref` (`[$ref]`) only when `marked`: the schema has other keywords, whose rules could read alike."""

    __slots__ = ("marked", "resolve", "target")

    def __init__(self, resolve: Callable[[], Node], *, marked: bool = False) -> None:
        self.resolve = resolve
        self.target: Node | None = None
        self.marked = marked

    def node(self) -> Node:
        if self.target is None:
            self.target = self.resolve()
        return self.target

    def ok(self, value: Any) -> bool:
        return self.node().ok(value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        self.node().collect(value, path, out, step(at, ("$ref",), "[$ref]" if self.marked else ""))

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return self.node().members_seen(value)

    def items_seen(self, value: list[Any]) -> set[int]:
        return self.node().items_seen(value)


class AllOf(Check):
    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = tuple(nodes)

    def ok(self, value: Any) -> bool:
        return all(node.fast(value) for node in self.nodes)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        for index, node in enumerate(self.nodes):
            if not node.fast(value):
                node.collect(value, path, out, step(at, ("allOf", index), f"[allOf/{index}]"))

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return set().union(*(node.members_seen(value) for node in self.nodes))

    def items_seen(self, value: list[Any]) -> set[int]:
        return set().union(*(node.items_seen(value) for node in self.nodes))
