"""The hot path of a contract as Python source, written at build time into a committed module.

Why generated (measured with benchmarks/contract_cost.py, CPU time on the benchmark's orders, this
project's shared 2-core machine): the example contract costs 14.1 us per record through the compiled
checks alone and 5.6 us through this code, against 0.6 us for the original three `if`s; the validator
spends ~28 us on a record, so the 25 % budget of `make bench` (validator-example against
validator-ifs) leaves ~7 us: only the generated code fits (the default contract: 1.6 us vs 0.6 us).
`make bench` of 2026-12-06 with this code: the example contract costs 13.8 % (JSON Lines) / 14.5 %
(array, re-run alone) of the validator's throughput.
So the checks (checks.py) stay the one definition of every keyword (and find violations), and this
module writes, for a contract, one function per schema answering exactly what the schema's checks
answer: `type` + `required` + `properties` + `additionalProperties` + `items` and the scalar keywords
(lengths, numeric limits, pattern, format, enum of strings) inlined, a child schema nested inside its
parent's code, no allocation on the valid path; dependentRequired and if/then/else (the condition's
function, then the branch inlined) too. Anything less common (patternProperties, prefixItems, const,
uniqueItems, anyOf/oneOf/not, contains, dependentSchemas, propertyNames, min/maxProperties,
unevaluated*) calls the compiled keyword's own test, `tests["<JSON Pointer of the keyword>"]`.

`render_module(contract, ...)` is called by build.py, which writes the text to
handlers/recordcontract/generated/<contract>.py (committed: a reviewer reads the code that runs;
`build.py --check` fails when it is stale). The Lambda imports that module (handlers/core/rules.py): no
`exec` at run time. Contract text reaches the source only as `repr()` literals and as comments escaped
to printable ASCII, so no contract can change the program or break its syntax (a seeded fuzz proves
it: tests/unit/handlers/test_contract_fuzz.py).

Over 300 lines: one emitter per keyword of the generated hot path.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from handlers.recordcontract.applicators import DependentRequired, IfThenElse
from handlers.recordcontract.checks import (
    AllOf,
    Check,
    Items,
    Members,
    Node,
    Ref,
    Required,
    Simple,
)
from handlers.values.jsonnumbers import HugeNumber

# Children nested deeper than this get a function of their own (Python limits nested blocks to 20
# and indentation to 100 levels; each inlined level opens at most one loop and three blocks).
MAX_INLINE_DEPTH = 6
Kinds = frozenset[type] | None  # the types a value may have at this point of the code; None: any
_NUMBERS = frozenset({int, Decimal})
_TYPES: dict[str, frozenset[type]] = {
    "null": frozenset({type(None)}),
    "boolean": frozenset({bool}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
    "string": frozenset({str}),
    "number": frozenset({int, Decimal, HugeNumber}),
    "integer": _NUMBERS,
}
_SINGLE = {"object": "dict", "array": "list", "string": "str", "boolean": "bool"}
_COMPARISONS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
_NUMERIC = frozenset({*_COMPARISONS, "multipleOf"})
_STRING_RULES = {"minLength": "len({v}) < {c}", "maxLength": "len({v}) > {c}"}
_LIST_RULES = {"minItems": "len({v}) < {c}", "maxItems": "len({v}) > {c}"}


def _may(kinds: Kinds, kind: type) -> bool:
    return kinds is None or kind in kinds


def _only(kinds: Kinds, kind: type) -> bool:
    return kinds is not None and len(kinds) == 1 and kind in kinds


def _leaf(node: Node) -> bool:
    """A schema with no subschema: inlined wherever a $ref names it (its code is a few lines)."""
    return not node.refuse_all and all(type(check) in (Simple, Required) for check in node.checks)


def _accepts_all(node: Node) -> bool:
    return not node.refuse_all and not node.checks


_TYPE_NAMES = {
    type(None): "NoneType",
    bool: "bool",
    dict: "dict",
    list: "list",
    str: "str",
    int: "int",
    Decimal: "Decimal",
    HugeNumber: "HugeNumber",
}


def comment(text: str) -> str:
    """Text safe in a one-line comment: printable ASCII (JSON escapes for anything else)."""
    return json.dumps(text)[1:-1]


def literal(value: Any) -> str:
    """Python source for a constant the compiler validated (a str is its repr(): always one literal)."""
    kind = type(value)
    if kind is str or kind is int:
        return repr(value)
    if kind is Decimal:
        return f"Decimal({str(value)!r})"
    if kind is frozenset:
        if all(type(item) is str for item in value):
            items = sorted(repr(item) for item in value)
        else:
            items = sorted(_TYPE_NAMES[item] for item in value)
        return f"frozenset({{{', '.join(items)}}})" if items else "frozenset[str]()"
    raise TypeError(f"no literal for {kind.__name__}")


class _Writer:
    def __init__(self, nodes: dict[str, Node], located: dict[str, Check]) -> None:
        self.where = {id(node): where for where, node in nodes.items()}
        self.located = {id(check): where for where, check in located.items()}
        self.constants: list[str] = []
        self.known: dict[tuple[type, Any], str] = {}
        self.functions: dict[int, str] = {}
        self.pending: list[tuple[str, Node]] = []
        self.lines: list[str] = []
        # Values whose type is already in t<depth> (set by a `type` or numeric test of the same
        # schema; forgotten when the variable is given another value).
        self.has_type: set[str] = set()

    def bound(self, source: str, note: str) -> str:
        """A name in bind()'s scope for `source` (one name per distinct constant)."""
        key = (str, source)
        name = self.known.get(key)
        if name is None:
            name = self.known[key] = f"c{len(self.known)}"
            self.constants.append(f"    {name} = {source}  # {comment(note)}")
        return name

    def constant(self, value: Any) -> str:
        """A constant as source: ints and strings inline (LOAD_CONST), others bound once."""
        if type(value) is str or type(value) is int:
            return literal(value)
        if isinstance(value, frozenset) and value and all(type(item) is str for item in value):
            note = f"{len(value)} name{'s' * (len(value) != 1)}"
        elif isinstance(value, frozenset):
            note = "types"
        else:
            note = "a limit"
        return self.bound(literal(value), note)

    def test(self, check: Check) -> str:
        """The compiled keyword's own test, by the JSON Pointer of its keyword in the contract."""
        where = self.located[id(check)]
        return self.bound(f"tests[{where!r}]", f"the test of #{where}")

    def function(self, node: Node) -> str:
        """The name of `node`'s own function (written later, once)."""
        name = self.functions.get(id(node))
        if name is None:
            name = self.functions[id(node)] = f"f{len(self.functions)}"
            self.pending.append((name, node))
        return name

    def write(self, nodes: list[Node]) -> tuple[list[str], list[str], dict[str, str]]:
        """(constant lines, function lines, schema location -> function name)."""
        for node in nodes:
            self.function(node)
        while self.pending:
            name, node = self.pending.pop(0)
            self.lines.append("")
            self.lines.append(
                f"    def {name}(v0: Any) -> bool:  # #{comment(self.where.get(id(node), '?'))}"
            )
            self.has_type.clear()
            self.node(node, "v0", 0, 2, None)
            self.lines.append("        return True")
        made = {self.where[key]: name for key, name in self.functions.items() if key in self.where}
        return self.constants, self.lines, made

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def fail_if(self, indent: int, condition: str) -> None:
        self.emit(indent, f"if {condition}: return False")

    def node(self, node: Node, v: str, depth: int, indent: int, kinds: Kinds) -> Kinds:
        """Lines returning False when `v` breaks `node` (else falling through); the types `v` may
        have after them."""
        if node.refuse_all:
            self.emit(indent, "return False")
            return kinds
        present: frozenset[str] = frozenset()
        numeric: list[Simple] = []  # consecutive numeric keywords share one type test
        for position, check in enumerate(node.checks):
            kind = type(check)
            where = self.located.get(id(check))
            if where is not None:
                self.emit(indent, f"# #{comment(where)}")
            if kind is Simple and check.rule in _NUMERIC:  # type: ignore[attr-defined]
                assert isinstance(check, Simple)
                numeric.append(check)
                following = node.checks[position + 1 : position + 2]
                if not (following and isinstance(following[0], Simple) and following[0].rule in _NUMERIC):
                    kinds = self.numeric(numeric, v, depth, indent, kinds)
                    numeric = []
            elif kind is Simple:
                assert isinstance(check, Simple)
                kinds = self.simple(check, v, depth, indent, kinds)
            elif kind is Required:
                assert isinstance(check, Required)
                if _may(kinds, dict):
                    missing = " or ".join(f"{self.constant(name)} not in {v}" for name in check.names)
                    guard = "" if _only(kinds, dict) else f"type({v}) is dict and "
                    self.fail_if(indent, f"{guard}({missing})")
                    present |= frozenset(check.names)
            elif kind is Members:
                assert isinstance(check, Members)
                self.members(check, v, depth, indent, kinds, present)
            elif kind is Items:
                assert isinstance(check, Items)
                self.items(check, v, depth, indent, kinds)
            elif kind is Ref and isinstance(check, Ref) and check.target is not None:
                if _leaf(check.target):
                    kinds = self.node(check.target, v, depth, indent, kinds)
                else:
                    self.fail_if(indent, f"not {self.function(check.target)}({v})")
            elif kind is AllOf:
                assert isinstance(check, AllOf)
                for part in check.nodes:
                    kinds = self.child(part, v, depth, indent, kinds)
            elif kind is DependentRequired:
                assert isinstance(check, DependentRequired)
                on_dict = self.typed(kinds, dict, v)
                for name, needed in check.pairs if on_dict is not None else ():
                    missing = " or ".join(f"{literal(other)} not in {v}" for other in needed)
                    self.fail_if(indent, f"{on_dict}{literal(name)} in {v} and ({missing})")
            elif kind is IfThenElse and isinstance(check, IfThenElse) and (check.then or check.orelse):
                self.branches(check, v, depth, indent, kinds)
            else:
                self.fail_if(indent, f"not {self.test(check)}({v})")
        return kinds

    def branches(self, check: IfThenElse, v: str, depth: int, indent: int, kinds: Kinds) -> None:
        """if/then/else: the condition's function, then the branch inlined (what a branch learns of
        the value's type is forgotten after it: the other branch may have run)."""
        known = set(self.has_type)
        condition = f"{self.function(check.condition)}({v})"
        for branch, test in ((check.then, condition), (check.orelse, f"not {condition}")):
            if branch is not None and not _accepts_all(branch):
                self.emit(indent, f"if {test}:")
                self.child(branch, v, depth, indent + 1, kinds)
                self.emit(indent + 1, "pass")
                self.has_type = set(known)

    def child(self, node: Node, v: str, depth: int, indent: int, kinds: Kinds) -> Kinds:
        """`node` applied to `v`: inlined, or a call when nested too deep."""
        if _accepts_all(node):
            return kinds
        if depth < MAX_INLINE_DEPTH or _leaf(node):
            return self.node(node, v, depth, indent, kinds)
        self.fail_if(indent, f"not {self.function(node)}({v})")
        return kinds

    def typed(self, kinds: Kinds, kind: type, v: str) -> str | None:
        """The guard a keyword for `kind` values needs (None: it cannot apply here)."""
        if not _may(kinds, kind):
            return None
        return "" if _only(kinds, kind) else f"type({v}) is {kind.__name__} and "

    def simple(self, check: Simple, v: str, depth: int, indent: int, kinds: Kinds) -> Kinds:
        rule, param = check.rule, check.param
        t = f"t{depth}"
        if rule == "type":
            names: list[str] = param
            allowed = frozenset().union(*(_TYPES[name] for name in names))
            if len(names) == 1 and names[0] in _SINGLE:
                self.fail_if(indent, f"type({v}) is not {_SINGLE[names[0]]}")
            elif names == ["null"]:
                self.fail_if(indent, f"{v} is not None")
            elif "integer" in names and "number" not in names:
                # An int, an integral Decimal (2.0, 1E+2), or another type the keyword names.
                exact = frozenset().union(*(_TYPES[name] for name in names if name != "integer"))
                self.emit(indent, f"{t} = type({v})")
                self.has_type.add(v)
                other = f"{t} is not int" if not exact else f"{t} not in {self.constant(exact | {int})}"
                self.fail_if(
                    indent,
                    f"{other} and ({t} is not Decimal or not "
                    f"({v}.is_finite() and {v} == {v}.to_integral_value()))",
                )
            else:
                self.emit(indent, f"{t} = type({v})")
                self.has_type.add(v)
                self.fail_if(indent, f"{t} not in {self.constant(allowed)}")
            return allowed if kinds is None else kinds & allowed
        if rule in _STRING_RULES or rule in _LIST_RULES:
            guard = self.typed(kinds, str if rule in _STRING_RULES else list, v)
            if guard is not None:
                if rule in ("minLength", "minItems") and param == 1:
                    test = f"not {v}"  # non-empty: no len() call
                else:
                    test = {**_STRING_RULES, **_LIST_RULES}[rule].format(v=v, c=self.constant(param))
                self.fail_if(indent, guard + test)
        elif rule in ("pattern", "format"):
            guard = self.typed(kinds, str, v)
            if guard is not None:
                if rule == "pattern":
                    test = f"{self.bound(f're.compile({param!r}).search', 'pattern')}({v}) is None"
                else:
                    test = f"not {self.bound(f'FORMATS[{param!r}]', 'format')}({v})"
                self.fail_if(indent, guard + test)
        elif rule == "enum" and all(type(value) is str for value in param):
            strings = self.constant(frozenset(param))
            guard = "" if _only(kinds, str) else f"type({v}) is not str or "
            self.fail_if(indent, f"{guard}{v} not in {strings}")
        else:
            self.fail_if(indent, f"not {self.test(check)}({v})")
        return kinds

    def numeric(self, checks: list[Simple], v: str, depth: int, indent: int, kinds: Kinds) -> Kinds:
        """Exact int/Decimal comparisons; a HugeNumber fails (it cannot be compared exactly); other
        types pass. One type test for the keywords of a schema, minimum and maximum chained."""
        if not (_may(kinds, int) or _may(kinds, Decimal) or _may(kinds, HugeNumber)):
            return kinds
        if kinds is not None and kinds <= _NUMBERS:
            inner = indent
        else:
            t = f"t{depth}"
            if v not in self.has_type:
                self.emit(indent, f"{t} = type({v})")
                self.has_type.add(v)
            if _may(kinds, HugeNumber):
                self.fail_if(indent, f"{t} is HugeNumber")
            self.emit(indent, f"if {t} is int or {t} is Decimal:")
            inner = indent + 1
        rules = [(check.rule, check.param) for check in checks]
        while rules:
            (rule, limit), rules = rules[0], rules[1:]
            c = self.constant(limit)
            if rule == "minimum" and rules and rules[0][0] == "maximum":
                self.fail_if(inner, f"not ({c} <= {v} <= {self.constant(rules[0][1])})")
                rules = rules[1:]
            elif rule in _COMPARISONS:
                self.fail_if(inner, f"not ({v} {_COMPARISONS[rule]} {c})")
            elif type(limit) is int:
                self.fail_if(inner, f"({v} % {c} != 0 if type({v}) is int else not multiple_of({v}, {c}))")
            else:
                self.emit(inner, "try:")
                self.fail_if(inner + 1, f"remainder({v}, {c}) != 0")
                self.emit(inner, "except InvalidOperation:  # the quotient has more than 80 digits")
                self.fail_if(inner + 1, f"not is_multiple({v}, {c})")
        return None if kinds is None else kinds - {HugeNumber}

    def members(
        self, check: Members, v: str, depth: int, indent: int, kinds: Kinds, present: frozenset[str]
    ) -> None:
        if not _may(kinds, dict):
            return
        if check.patterns:
            self.fail_if(indent, f"not {self.test(check)}({v})")
            return
        if not _only(kinds, dict):
            self.emit(indent, f"if type({v}) is dict:")
            indent += 1
        names = self.constant(frozenset(name for name, _ in check.named))
        additional = check.additional
        w = f"v{depth + 1}"
        # additionalProperties: false: the declared members present are counted on the way (no
        # key set built): any other member makes len() larger. (Every test here is pure, so the
        # order of the tests does not change the verdict.)
        closed = additional is not None and additional.refuse_all
        count = f"n{depth}"
        if closed:
            self.emit(indent, f"{count} = {len(present & {name for name, _ in check.named})}")
        elif additional is not None and not _accepts_all(additional):
            self.emit(indent, f"for k{depth}, {w} in {v}.items():")
            self.has_type.discard(w)
            self.emit(indent + 1, f"if k{depth} not in {names}:")
            self.child(additional, w, depth + 1, indent + 2, None)
        for name, node in check.named:
            key = self.constant(name)
            if node.refuse_all:
                self.fail_if(indent, f"{key} in {v}")
            elif name in present:
                if not _accepts_all(node):
                    self.emit(indent, f"{w} = {v}[{key}]")
                    self.has_type.discard(w)
                    self.child(node, w, depth + 1, indent, None)
            elif closed or not _accepts_all(node):
                self.emit(indent, f"if {key} in {v}:")
                if closed:
                    self.emit(indent + 1, f"{count} += 1")
                if not _accepts_all(node):
                    self.emit(indent + 1, f"{w} = {v}[{key}]")
                    self.has_type.discard(w)
                    self.child(node, w, depth + 1, indent + 1, None)
        if closed:
            self.fail_if(indent, f"len({v}) != {count}")
        self.emit(indent, "pass")  # a block may end up with nothing else in it

    def items(self, check: Items, v: str, depth: int, indent: int, kinds: Kinds) -> None:
        if not _may(kinds, list):
            return
        if check.prefix:  # rare in record contracts: the keyword's own test
            self.fail_if(indent, f"not {self.test(check)}({v})")
            return
        if check.rest is None or _accepts_all(check.rest):
            return
        guard = "" if _only(kinds, list) else f"type({v}) is list and "
        if check.rest.refuse_all:
            self.fail_if(indent, f"{guard}len({v}) > 0")
            return
        if guard:
            self.emit(indent, f"if type({v}) is list:")
            indent += 1
        w = f"v{depth + 1}"
        self.emit(indent, f"for {w} in {v}:")
        self.has_type.discard(w)
        self.child(check.rest, w, depth + 1, indent + 1, None)
        self.emit(indent + 1, "pass")


MODULE_HEAD = '''"""The hot path of the record contract {contract}, generated by `python build.py`.

Do not edit: build.py rewrites this file from the contract, and `python build.py --check` fails when it
is stale. Each function answers whether a value meets the schema at the JSON Pointer in its comment,
as handlers/recordcontract/checks.py does (a comment "# #/pointer" names the keyword the lines below
it enforce); keywords not inlined call that keyword's own test, tests["<pointer>"]. How and why:
handlers/recordcontract/codegen.py.
"""

# fmt: off
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from handlers.values.jsonnumbers import HugeNumber
from handlers.recordcontract.checks import REMAINDER, multiple_of
from handlers.recordcontract.formats import FORMATS
from handlers.recordcontract.values import is_multiple

NoneType = type(None)
CONTRACT = {contract_literal}
CONTRACT_SHA256 = {sha_literal}


def bind(tests: Mapping[str, Callable[[Any], bool]]) -> dict[str, Callable[[Any], bool]]:
    """Each schema's test (by its JSON Pointer in the contract), given the keywords' own tests."""
    remainder = REMAINDER.remainder
'''


def render_module(nodes: dict[str, Node], located: dict[str, Check], *, contract: str, sha256: str) -> str:
    """The source of the generated module for a compiled contract (its `nodes` and `located` keywords)."""
    constants, lines, made = _Writer(nodes, located).write(list(nodes.values()))
    head = MODULE_HEAD.format(
        contract=comment(contract), contract_literal=repr(contract), sha_literal=repr(sha256)
    )
    body = [*constants, *lines, "", "    return {"]
    body += [f"        {where!r}: {name}," for where, name in made.items()]
    body += ["    }", ""]
    return head + "\n".join(body)
