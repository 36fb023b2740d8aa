"""The three contenders of `make bench`, each run in a process of its own for a clean peak RSS.

    python -m benchmarks.contenders {naive,bare,validator} {jsonl,array} FILE

prints one JSON object: counts, seconds spent processing (imports and interpreter start excluded),
and the process's peak RSS (VmHWM, the interpreter and imports included).

- naive: what a typical engineer writes in an afternoon: `json.loads(parse_float=Decimal)` per line
  (JSON Lines) or `json.load` of the whole file (array), the same record checks, boto3's
  `TypeSerializer` for the DynamoDB JSON, a sha256 of `json.dumps(sort_keys=True)`, and the same kind
  of manifest (batches of ≤ 100 entries and ≤ 200,000 bytes, `json.dumps` per batch).
- bare: a stdlib parse-and-check loop and nothing else (the ceiling): streaming `raw_decode` with
  Decimal floats, the record checks, a count.
- validator: `handlers.core.pipeline.process_file` with in-memory sinks (the product, default contract).
- validator-ifs: the same with the record contract replaced by the original three hand-written `if`s
  (the baseline the contract's cost is measured against: scoreboard.py's `contract_cost`).
- validator-example: the same with examples/record-contract.json (a realistic contract that accepts
  the same orders, so the counts agree).
- check: the local `check` command's work on the file (quality.checking.check_file: opens the file,
  runs process_file with discarding sinks, counts per reason and per rule); the goal is within 20 %
  of the validator's rate (the `check/validator` ratio), so a local check costs what the pipeline does.
The manifest sinks of naive and validator are the same discarding, byte-counting sink.

Over 300 lines: one function per contender (naive, bare, the validator with each contract, the local check)
and the timed run they share.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from benchmarks.bodies import CountingSink
from benchmarks.validator import max_rss_mb

CONTENDERS = ("naive", "bare", "validator", "validator-ifs", "validator-example", "check")
EXAMPLE_CONTRACT = Path(__file__).resolve().parent.parent / "examples" / "record-contract.json"
_BATCH_RECORDS = 100
_BATCH_BYTES = 200_000
_CHUNK = 1 << 20


# The contenders' sink: counts only (the bytes themselves are discarded).
MemorySink = CountingSink


def check(record: Any) -> str | None:
    """The record checks every contender makes: the reason code of the first failure, or None."""
    if not isinstance(record, dict):
        return "not_an_object"
    info = record.get("order-info")
    if not isinstance(info, dict):
        return "missing_order_info"
    if not isinstance(record.get("contact-info"), dict):
        return "missing_contact_info"
    order_id = info.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        return "missing_order_id"
    return None


def iter_array(stream: BinaryIO, chunk: int = _CHUNK) -> Iterator[Any]:
    """Elements of a top-level JSON array, decoded one at a time from 1 MiB windows (bounded memory)."""
    decoder = json.JSONDecoder(parse_float=Decimal)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    text, position, started = "", 0, False
    while True:
        data = stream.read(chunk)
        text = text[position:] + utf8.decode(data, final=not data)
        position = 0
        while True:
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            if not started and position < len(text):
                if text[position] != "[":
                    raise ValueError("not a JSON array")
                started, position = True, position + 1
                continue
            if position < len(text) and text[position] == "]":
                return
            try:
                value, end = decoder.raw_decode(text, position)
            except json.JSONDecodeError:
                if not data:
                    raise
                break
            if end == len(text) and data:  # a number may continue in the next read
                break
            yield value
            position = end


def iter_lines(stream: BinaryIO) -> Iterator[Any]:
    decoder = json.JSONDecoder(parse_float=Decimal)
    for line in stream:
        if line.strip():
            yield decoder.decode(line.decode("utf-8"))


def bare(stream: BinaryIO, form: str) -> dict[str, Any]:
    records = invalid = 0
    for record in (iter_lines if form == "jsonl" else iter_array)(stream):
        records += 1
        invalid += check(record) is not None
    return {"records": records, "valid": records - invalid, "invalid": invalid}


def naive(stream: BinaryIO, form: str, source: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    sink = MemorySink()
    batch: list[str] = []
    size = 0
    batches = valid = invalid = 0
    head = '{"batch": %d, "source": ' + json.dumps(source).replace("%", "%%") + ', "records": ['

    def flush() -> None:
        nonlocal batch, size, batches
        text = (head % batches) + ", ".join(batch) + "]}"
        sink.write((b"," if batches else b"[") + text.encode("utf-8"))
        batches, batch, size = batches + 1, [], 0

    if form == "jsonl":
        items: Any = (json.loads(line, parse_float=Decimal) for line in stream if line.strip())
    else:
        items = json.load(stream, parse_float=Decimal)
    for index, record in enumerate(items):
        reason = check(record)
        if reason is None:
            item = {name: serializer.serialize(value) for name, value in record.items()}
            item["order_id"] = {"S": record["order-info"]["order_id"]}
            digest = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
            item["_pipeline_hash"] = {"S": digest}
            item["_pipeline_source"] = serializer.serialize({**source, "record_index": index})
            entry = {
                "status": "valid",
                "index": index,
                "order_id": item["order_id"]["S"],
                "hash": digest,
                "item": item,
            }
            valid += 1
        else:
            entry = {
                "status": "invalid",
                "index": index,
                "review": {"reason": reason, "source": source, "record_index": index, "record": record},
            }
            invalid += 1
        text = json.dumps(entry, default=str)
        if batch and (len(batch) >= _BATCH_RECORDS or size + len(text) > _BATCH_BYTES):
            flush()
        batch.append(text)
        size += len(text) + 2
    if batch:
        flush()
    sink.write(b"]")
    sink.commit()
    return {
        "records": valid + invalid,
        "valid": valid,
        "invalid": invalid,
        "batches": batches,
        "manifest_bytes": sink.bytes,
    }


class _OriginalRules:
    """The record rules before the contract: `check` above, as handlers.core.rules.Rules answers."""

    def check(self, record: Any) -> Any:
        from handlers.core.rules import Broken

        reason = check(record)
        return None if reason is None else Broken(reason, [], 0)


def use_rules(name: str) -> Any:
    """Swap the validator's record contract for the contender (before anything is processed); the
    rules it replaced (run() puts them back: tests run contenders in one process)."""
    import handlers.core.classify
    from handlers.core.rules import load_rules

    previous = vars(handlers.core.classify)["RULES"]
    if name == "validator-ifs":
        vars(handlers.core.classify)["RULES"] = _OriginalRules()
    elif name == "validator-example":
        # With its generated hot path, as a stack carrying the example would run it.
        rules = load_rules(EXAMPLE_CONTRACT, generated="examples_record_contract")
        vars(handlers.core.classify)["RULES"] = rules
    return previous


def validator(stream: BinaryIO, form: str, source: dict[str, Any]) -> dict[str, Any]:
    from handlers.core.pipeline import process_file

    sink = MemorySink()
    # The per-file limits must not stop a benchmark file with 10 % invalid records.
    summary = process_file(
        stream,
        source=source,  # type: ignore[arg-type]
        manifest=sink,
        claims=sink,
        max_rejected=10**12,
        max_file_bytes=1 << 50,
    )
    # getattr: the summary may gain fields (or lose `large`); only these are reported.
    counts = {
        name: getattr(summary, name, None) for name in ("records", "valid", "large", "invalid", "batches")
    }
    if not sink.committed:
        raise RuntimeError("the validator did not commit its manifest")
    return {**counts, "manifest_bytes": sink.bytes, "claims": sink.claims}


def check_command(path: Path) -> dict[str, Any]:
    from quality.checking import check_file

    found = check_file(path, max_rejected=10**12, max_file_bytes=1 << 50, say=lambda _: None)
    if found.file_rejected:
        raise RuntimeError(f"check rejected the benchmark file: {found.reason}")
    parts = dict(found.parts)
    # check counts valid and large together; the benchmark's orders are never large (the counts agree).
    return {"records": found.records, "valid": parts["valid"], "invalid": parts["rejected"]}


# The per-file limits must not stop a benchmark file with 10 % invalid records.
_BENCHMARK_LIMITS = {"MAX_REJECTED_RECORDS": str(10**12), "MAX_FILE_BYTES": str(1 << 50)}


def run(name: str, form: str, path: Path) -> dict[str, Any]:
    """Process the file once with one contender; time only the processing. The benchmark's limits are
    set for the run only (a test calling this in-process must not leave them to the next test)."""
    saved = {variable: os.environ.get(variable) for variable in _BENCHMARK_LIMITS}
    for variable, limit in _BENCHMARK_LIMITS.items():
        os.environ.setdefault(variable, limit)
    try:
        return _run(name, form, path)
    finally:
        for variable, before in saved.items():
            if before is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = before


def _run(name: str, form: str, path: Path) -> dict[str, Any]:
    source = {"bucket": "bench", "key": path.name, "version_id": None, "etag": "0"}
    work: dict[str, Callable[[BinaryIO], dict[str, Any]]] = {
        "naive": lambda stream: naive(stream, form, source),
        "bare": lambda stream: bare(stream, form),
        "validator": lambda stream: validator(stream, form, source),
        "validator-ifs": lambda stream: validator(stream, form, source),
        "validator-example": lambda stream: validator(stream, form, source),
        "check": lambda stream: check_command(path),
    }
    previous = None
    if name == "naive":
        import boto3.dynamodb.types  # noqa: F401  (import time is not processing time)
    elif name.startswith("validator"):
        import handlers.core.pipeline

        previous = use_rules(name)
    elif name == "check":
        import quality.checking  # noqa: F401  (import time is not processing time)
    try:
        with path.open("rb") as stream:
            started, cpu_started = time.perf_counter(), time.process_time()
            counts = work[name](stream)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu_started
    finally:
        if previous is not None:
            import handlers.core.classify

            vars(handlers.core.classify)["RULES"] = previous
    return {
        "contender": name,
        "form": form,
        **counts,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "input_bytes": path.stat().st_size,
        "peak_rss_mb": round(max_rss_mb(), 1),
    }


def main(argv: list[str]) -> None:
    name, form, path = argv
    if name not in CONTENDERS:
        raise SystemExit(f"unknown contender {name!r}; one of {CONTENDERS}")
    print(json.dumps(run(name, form, Path(path))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
