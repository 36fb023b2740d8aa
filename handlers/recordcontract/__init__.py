"""The record contract engine: a JSON Schema (draft 2020-12) compiled for stored records.

compiler.py compiles a contract into checks (checks.py: the common keywords; applicators.py: the
others; formats.py, values.py: what they compare); codegen.py writes a contract's hot path as a
committed module at build time (generated/); reasons.py: the reason codes a contract can carry;
buildcheck.py is build-time only (metaschema check, rule table; it imports `jsonschema`, which the
Lambda never does).
"""
