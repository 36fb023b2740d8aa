"""The applicator and object keywords of draft 2020-12 beyond the common ones (checks.py): anyOf/oneOf,
not, min/maxProperties, dependentRequired, dependentSchemas, propertyNames, if/then/else, contains
(min/maxContains), unevaluatedProperties/unevaluatedItems. Each answers `ok` and `collect`s violations
like the checks in checks.py; the ones that evaluate members or items report them (`members_seen`,
`items_seen`) for the unevaluated* keywords.

Over 300 lines: one class per applicator keyword of draft 2020-12 beyond the common ones, each small; split
by keyword, one section of the draft would be scattered.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.recordcontract.checks import (
    AllOf,
    At,
    Check,
    Collector,
    Node,
    Path,
    Simple,
    seen_items,
    seen_members,
    shown_name,
    step,
)
from handlers.values.sqssafe import is_sqs_safe


class AnyOf(AllOf):
    """anyOf; oneOf when `exactly_one`. One violation at the value's path (which alternative the
    record meant is not knowable); the members and items the matching alternatives evaluated."""

    __slots__ = ("exactly_one", "message", "rule")

    def __init__(self, nodes: list[Node], *, exactly_one: bool = False) -> None:
        super().__init__(nodes)
        self.exactly_one = exactly_one
        self.rule = "oneOf" if exactly_one else "anyOf"
        self.message = (
            f"must match {'exactly one' if exactly_one else 'at least one'} of the contract's "
            f"{len(nodes)} alternatives"
        )

    def ok(self, value: Any) -> bool:
        if self.exactly_one:
            return sum(1 for node in self.nodes if node.fast(value)) == 1
        return any(node.fast(value) for node in self.nodes)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        out.add(path, self.rule, self.message, ((*at[0], self.rule), at[1]))

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return set().union(*(node.members_seen(value) for node in self.nodes if node.fast(value)))

    def items_seen(self, value: list[Any]) -> set[int]:
        return set().union(*(node.items_seen(value) for node in self.nodes if node.fast(value)))


class Not(Check):
    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node

    def ok(self, value: Any) -> bool:
        return not self.node.fast(value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        out.add(path, "not", "must not match the schema the contract excludes", ((*at[0], "not"), at[1]))


def quoted(text: str) -> str:
    """A member name of the contract as a review may quote it: JSON text when short and SQS-safe."""
    if len(text) <= 64 and text.isascii() and is_sqs_safe(text):
        return json.dumps(text)
    return "a member the contract names"


def count_members(rule: str, limit: int) -> Check:
    """minProperties / maxProperties."""
    plural = "s" * (limit != 1)
    if rule == "minProperties":
        return Simple(
            rule,
            f"must have at least {limit} member{plural}",
            lambda value: type(value) is not dict or len(value) >= limit,
            limit,
        )
    return Simple(
        rule,
        f"must have at most {limit} member{plural}",
        lambda value: type(value) is not dict or len(value) <= limit,
        limit,
    )


class DependentRequired(Check):
    """Each member required by a present one is a violation at its own path, like `required`, and a
    rule of its own (`dependentRequired/<name>/<index>`); its pattern names the present member
    (`[dependentRequired "price"]`) only when two of them require the same member."""

    __slots__ = ("pairs", "shared")

    def __init__(self, dependencies: dict[str, list[str]]) -> None:
        self.pairs = tuple((name, tuple(needed)) for name, needed in dependencies.items() if needed)
        wanted = [other for _, needed in self.pairs for other in set(needed)]
        self.shared = frozenset(other for other in wanted if wanted.count(other) > 1)

    def ok(self, value: Any) -> bool:
        if type(value) is not dict:
            return True
        for name, needed in self.pairs:
            if name in value:
                for other in needed:
                    if other not in value:
                        return False
        return True

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        for name, needed in self.pairs:
            if name in value:
                for index, other in enumerate(needed):
                    if other not in value:
                        marker = f"[dependentRequired {json.dumps(name)}]" if other in self.shared else ""
                        out.add(
                            (*path, other),
                            "dependentRequired",
                            f"is required when {quoted(name)} is present",
                            step(at, ("dependentRequired", name, index), marker + shown_name(other)),
                        )


class DependentSchemas(Check):
    __slots__ = ("pairs",)

    def __init__(self, schemas: dict[str, Node]) -> None:
        self.pairs = tuple(schemas.items())

    def ok(self, value: Any) -> bool:
        if type(value) is not dict:
            return True
        return all(node.fast(value) for name, node in self.pairs if name in value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        for name, node in self.pairs:
            if name in value and not node.fast(value):
                where = step(at, ("dependentSchemas", name), f"[dependentSchemas {json.dumps(name)}]")
                node.collect(value, path, out, where)

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return set().union(*(node.members_seen(value) for name, node in self.pairs if name in value))

    def items_seen(self, value: list[Any]) -> set[int]:
        return set()


class PropertyNames(Check):
    """Every member name meets `node`; a bad name is a violation at that member's path, saying what the
    name must be (the first rule it breaks)."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node

    def ok(self, value: Any) -> bool:
        if type(value) is not dict:
            return True
        test = self.node.fast
        return all(test(name) for name in value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        where = step(at, ("propertyNames",), "/*")
        for name in value:
            if self.node.fast(name):
                continue
            inner = Collector(1)
            self.node.collect(name, (), inner, where)
            message = "its name " + inner.found[0][2] if inner.found else "is not a name the contract allows"
            outer, out.context = out.context, inner.code or out.context
            out.add((*path, name), "propertyNames", message, where)
            out.context = outer


class IfThenElse(Check):
    """if/then/else: `then` applies when the value meets `if`, else `else` (a missing branch: true).
    The failing branch's violations are listed, each with its own keyword."""

    __slots__ = ("condition", "orelse", "then")

    def __init__(self, condition: Node, then: Node | None, orelse: Node | None) -> None:
        self.condition = condition
        self.then = then
        self.orelse = orelse

    def branch(self, value: Any) -> tuple[bool, Node | None]:
        holds = self.condition.fast(value)
        return holds, self.then if holds else self.orelse

    def ok(self, value: Any) -> bool:
        branch = self.then if self.condition.fast(value) else self.orelse
        return branch is None or branch.fast(value)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        holds, branch = self.branch(value)
        if branch is not None and not branch.fast(value):
            keyword = "then" if holds else "else"
            branch.collect(value, path, out, step(at, (keyword,), f"[{keyword}]"))

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        holds, branch = self.branch(value)
        seen = self.condition.members_seen(value) if holds else set()
        return seen | (branch.members_seen(value) if branch is not None else set())

    def items_seen(self, value: list[Any]) -> set[int]:
        holds, branch = self.branch(value)
        seen = self.condition.items_seen(value) if holds else set()
        return seen | (branch.items_seen(value) if branch is not None else set())


class Contains(Check):
    """contains with minContains (default 1) and maxContains: how many items match `node`."""

    __slots__ = ("at_least", "at_most", "least_rule", "node")

    def __init__(self, node: Node, at_least: int, at_most: int | None, *, least_rule: str) -> None:
        self.node = node
        self.at_least = at_least
        self.at_most = at_most
        self.least_rule = least_rule

    def ok(self, value: Any) -> bool:
        if type(value) is not list:
            return True
        test, at_least, at_most = self.node.fast, self.at_least, self.at_most
        found = 0
        for element in value:
            if test(element):
                found += 1
                if found >= at_least and at_most is None:
                    return True
        return found >= at_least and (at_most is None or found <= at_most)

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        found = sum(1 for element in value if self.node.fast(element))
        what = "the contract's contains schema"
        if found < self.at_least:
            items = f"item{'s' * (self.at_least != 1)}"
            out.add(
                path,
                self.least_rule,
                f"must contain at least {self.at_least} {items} matching {what}",
                ((*at[0], self.least_rule), at[1]),
            )
        if self.at_most is not None and found > self.at_most:
            items = f"item{'s' * (self.at_most != 1)}"
            out.add(
                path,
                "maxContains",
                f"must contain at most {self.at_most} {items} matching {what}",
                ((*at[0], "maxContains"), at[1]),
            )

    def items_seen(self, value: list[Any]) -> set[int]:
        return {index for index, element in enumerate(value) if self.node.fast(element)}


class Unevaluated(Check):
    """unevaluatedProperties (`members`) or unevaluatedItems: the members or items no other keyword of
    the schema (`owner`) nor of its subschemas that the value meets evaluated must meet `node`.
    `star` as in checks.Members."""

    __slots__ = ("members", "node", "owner", "star")

    def __init__(self, node: Node, *, members: bool) -> None:
        self.node = node
        self.members = members
        self.owner: Node | None = None  # set once the owning schema is compiled
        self.star = "/*"

    def _rest(self, value: Any) -> list[Any]:
        assert self.owner is not None
        if self.members:
            if type(value) is not dict:
                return []
            seen: set[Any] = seen_members(self.owner, value, skip=self)
            return [name for name in value if name not in seen]
        if type(value) is not list:
            return []
        seen = seen_items(self.owner, value, skip=self)
        return [index for index in range(len(value)) if index not in seen]

    def ok(self, value: Any) -> bool:
        test = self.node.fast
        return all(test(value[key]) for key in self._rest(value))

    def collect(self, value: Any, path: Path, out: Collector, at: At) -> None:
        rule = "unevaluatedProperties" if self.members else "unevaluatedItems"
        what = "a member" if self.members else "an item"
        where = step(at, (rule,), self.star)
        for key in self._rest(value):
            if self.node.fast(value[key]):
                continue
            if self.node.refuse_all:
                out.add((*path, key), rule, f"is {what} the contract does not allow", where)
            else:
                self.node.collect(value[key], (*path, key), out, where)

    def members_seen(self, value: dict[str, Any]) -> set[str]:
        return set(value) if self.members else set()

    def items_seen(self, value: list[Any]) -> set[int]:
        return set() if self.members else set(range(len(value)))
