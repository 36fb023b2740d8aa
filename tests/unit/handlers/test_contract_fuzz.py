"""A contract the metaschema accepts never crashes the validator: a seeded, bounded fuzz over generated
contracts (member names and patterns with quotes, newlines, backslashes, non-BMP characters, code-like
text; deep nesting; every keyword, combined) either compiles, and then its generated module (as
build.py writes it) compiles, runs and answers exactly as the compiled checks, or is refused with one
line per problem.

Failure classes: generated source that is not valid Python (fails before d1b095e: an IndentationError
for a `required` name holding a newline, or a quote inside prefixItems/not, at the validator's cold
start), contract text reaching the program as code, a crash instead of a refusal (a deep contract, a
pattern `re` cannot compile), a multi-line refusal, and generated code that disagrees with the checks.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from handlers.recordcontract.codegen import render_module
from handlers.recordcontract.compiler import MAX_CONTRACT_NESTING, ContractError, compile_contract, nesting
from tests.contractmodule import exec_module

SEEDS = range(6)
PER_SEED = 60
NAMES = ["a", "b", "'", '"', "\n", "\\", "😀", "a'] or __import__('os') or v0['", "~/", "", " ",
         "\u2028", "\x00", "\"\"\"", "#", "{x}", "\r\n\t"]  # fmt: skip
PATTERNS = ["^a", "\\d+", "'", '"', "\n", "(", "[", "😀", "\\", "a{2}", "^\\w+$", "(?P<x>a)", "\\p{L}", "'''"]
CODES = ["invalid_quantity", "bad", "Bad Code", "too_large", "x" * 60]
FORMATS = ["email", "date", "date-time", "uuid", "ipv4"]
MUTATED: list[Any] = [
    None,
    True,
    0,
    Decimal("1.5"),
    "",
    "a",
    [],
    [1, "a"],
    {},
    {"a": 1},
    {"'": "\n"},
    {"😀": []},
]


class Schemas:
    """Random schemas from one seed (nothing but the seed decides them)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.anchors: list[str] = []

    def name(self) -> str:
        return self.rng.choice(NAMES) + self.rng.choice(["", "x", str(self.rng.randrange(3))])

    def schema(self, depth: int) -> Any:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.15:
            return rng.choice([True, False, {}, {"type": rng.choice(["string", "integer", "object"])}])
        schema: dict[str, Any] = {}
        for _ in range(rng.randint(1, 4)):
            self.keyword(schema, depth - 1)
        return schema

    def keyword(self, schema: dict[str, Any], depth: int) -> None:
        rng = self.rng
        kind = rng.randrange(24)
        sub = lambda: self.schema(depth)  # noqa: E731
        if kind == 0:
            schema["type"] = rng.choice(["string", ["integer", "null"], "object", "array", "number"])
        elif kind == 1:
            schema["required"] = [self.name() for _ in range(rng.randint(0, 3))]
        elif kind == 2:
            schema["properties"] = {self.name(): sub() for _ in range(rng.randint(1, 3))}
        elif kind == 3:
            schema["patternProperties"] = {rng.choice(PATTERNS): sub()}
        elif kind == 4:
            schema["additionalProperties"] = sub()
        elif kind == 5:
            schema["pattern"] = rng.choice(PATTERNS)
        elif kind == 6:
            counts = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                      "minContains", "maxContains"]  # fmt: skip
            schema[rng.choice(counts)] = rng.randint(0, 3)
        elif kind == 7:
            schema[rng.choice(["minimum", "maximum", "exclusiveMinimum", "multipleOf"])] = rng.choice(
                [1, Decimal("0.5"), 3, Decimal("0.01")]
            )
        elif kind == 8:
            schema["enum"] = [rng.choice(MUTATED) for _ in range(rng.randint(1, 3))] + [self.name()]
        elif kind == 9:
            schema["const"] = rng.choice(MUTATED)
        elif kind == 10:
            schema["prefixItems"] = [sub() for _ in range(rng.randint(1, 2))]
        elif kind == 11:
            schema["items"] = sub()
        elif kind == 12:
            schema[rng.choice(["allOf", "anyOf", "oneOf"])] = [sub() for _ in range(rng.randint(1, 3))]
        elif kind == 13:
            schema["not"] = sub()
        elif kind == 14:
            schema["if"], schema["then"] = sub(), sub()
            if rng.random() < 0.5:
                schema["else"] = sub()
        elif kind == 15:
            schema["contains"] = sub()
        elif kind == 16:
            schema["dependentRequired"] = {self.name(): [self.name()]}
        elif kind == 17:
            schema["dependentSchemas"] = {self.name(): sub()}
        elif kind == 18:
            schema["propertyNames"] = sub()
        elif kind == 19:
            schema[rng.choice(["unevaluatedProperties", "unevaluatedItems"])] = sub()
        elif kind == 20:
            schema["format"] = rng.choice(FORMATS)
        elif kind == 21:
            schema["x-reason"] = rng.choice(CODES)
        elif kind == 22:
            anchor = rng.choice(["a", "b_1", "x.y"])
            target = self.schema(depth)
            target = dict(target) if isinstance(target, dict) else {"not": target}
            schema.setdefault("$defs", {})[anchor] = {"$anchor": anchor, **target}
            schema["$ref"] = "#" + anchor
        else:
            schema["$defs"] = {"d": sub()}
            schema["$ref"] = rng.choice(["#/$defs/d", "#", "#/$defs/missing"])

    def contract(self) -> Any:
        if self.rng.random() < 0.05:  # a deep chain: nested members, then a rule
            schema: Any = {"minLength": 1}
            for _ in range(self.rng.choice([40, 90, 160])):
                schema = {"properties": {self.name(): schema}, "required": [self.name()]}
            return schema
        return self.schema(self.rng.randint(1, 5))

    def values(self) -> list[Any]:
        out: list[Any] = list(MUTATED)
        for _ in range(12):
            out.append({self.name(): self.rng.choice(MUTATED) for _ in range(self.rng.randint(0, 3))})
            out.append([self.rng.choice(MUTATED), self.name()])
        return out


@pytest.mark.parametrize("seed", SEEDS)
def test_every_generated_contract_compiles_or_is_refused_in_one_line(seed: int) -> None:
    schemas = Schemas(seed)
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    compiled = refused = 0
    for _ in range(PER_SEED):
        document = schemas.contract()
        # GIVEN a contract the metaschema accepts (others are refused by build.py before compiling;
        # one too deep for the metaschema's walk is refused by its nesting first)
        if nesting(document) <= MAX_CONTRACT_NESTING and not meta.is_valid(document):
            continue
        try:
            contract = compile_contract(document)
        except ContractError as error:
            # THEN a refusal is one line per problem
            refused += 1
            assert error.problems and all(len(p.splitlines()) == 1 for p in error.problems)
            continue
        compiled += 1
        # OR its generated module compiles and runs, and answers as the compiled checks
        source = render_module(contract.nodes, contract.located, contract="fuzz\n'\"", sha256="-")
        module = exec_module(source)
        checks = compile_contract(document)
        contract.bind(module.bind(contract.tests()))
        for value in schemas.values():
            try:
                expected = checks.root.ok(value)
            except RecursionError:
                continue
            assert contract.ok(value) == expected, (document, value)
            found = contract.violations(value).found
            assert bool(found) == (not expected)
            assert all(len(message.splitlines()) == 1 for _, _, message in found)
    # AND the fuzz reaches both outcomes (a generator that only made refused contracts tests nothing)
    assert compiled >= PER_SEED // 4 and refused >= 1, (compiled, refused)
