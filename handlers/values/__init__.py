"""JSON values as the pipeline holds them: exact numbers, canonical text, text SQS accepts.

The primitives under both the record contract engine (recordcontract/) and the core; imports nothing
else of handlers/.
"""
