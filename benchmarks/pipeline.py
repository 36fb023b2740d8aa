"""The whole pipeline in the emulator: AWS requests and state transitions per million records.

    python -m benchmarks.pipeline [--records N] [--invalid-every K] [--json]

Deploys output/template.json into the moto emulator, uploads one generated JSON Lines file (every
K-th record invalid), waits for its execution, and reports what that one run cost, counted where it
happens: every HTTP request the pipeline makes to the emulated AWS (Step Functions' service
integrations and the Lambda handlers' own calls) by service and operation, and every state entered
(parent and Distributed Map children). Ratios are scaled to one million records from this one run.
Throughput here is moto's interpreter (tens of records/s), not AWS's: it is reported, not compared.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

PER_MILLION = 1_000_000


def generate(records: int, *, invalid_every: int, run: str) -> bytes:
    """JSON Lines: valid orders, with every `invalid_every`-th record missing its contact-info."""
    lines = []
    for index in range(records):
        record: dict[str, Any] = {
            "order-info": {"order_id": f"{run}-{index}", "item": "Laptop", "quantity": 1, "price": 999.99},
            "contact-info": {"name": "Zoë 山田", "email": "zoe@example.com"},
        }
        if invalid_every and index % invalid_every == invalid_every - 1:
            del record["contact-info"]
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def _operation(environ: dict[str, Any]) -> tuple[str, str]:
    """(service, operation) of one request to the emulator."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    scope = authorization.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    service = scope[3] if len(scope) > 3 else "unknown"
    if target:
        return service, target.rsplit(".", 1)[-1]
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if service == "lambda" and path.endswith("/invocations"):
        return service, "Invoke"
    if service == "s3":
        if "uploads" in query:
            return service, "CreateMultipartUpload"
        if "uploadId" in query:
            parts = {"PUT": "UploadPart", "POST": "CompleteMultipartUpload"}
            return service, parts.get(method, "AbortMultipartUpload")
        return service, {"GET": "GetObject", "PUT": "PutObject", "HEAD": "HeadObject"}.get(method, method)
    return service, method


@contextmanager
def counting() -> Iterator[tuple[Counter[tuple[str, str]], Counter[str]]]:
    """Count requests reaching the moto server and states entered by any execution, while inside."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

    requests: Counter[tuple[str, str]] = Counter()
    states: Counter[str] = Counter()
    lock = threading.Lock()
    real_call, real_add = DomainDispatcherApplication.__call__, EventManager.add_event

    def call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with lock:
            requests[_operation(environ)] += 1
        return real_call(self, environ, start_response)

    def add_event(self: Any, context: Any, event_type: Any, *args: Any, **kwargs: Any) -> int:
        name = getattr(event_type, "value", str(event_type))
        if name.endswith("StateEntered"):
            with lock:
                states["all"] += 1
        return int(real_add(self, context, event_type, *args, **kwargs))

    DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]
    EventManager.add_event = add_event  # type: ignore[method-assign]
    try:
        yield requests, states
    finally:
        DomainDispatcherApplication.__call__ = real_call  # type: ignore[method-assign]
        EventManager.add_event = real_add  # type: ignore[method-assign]


def run(records: int, invalid_every: int) -> dict[str, Any]:
    import emulator
    from emulator import outcome

    stack = emulator.deploy_stack()
    run_id = uuid.uuid4().hex[:8]
    body = generate(records, invalid_every=invalid_every, run=run_id)
    executions = outcome.Executions(stack)
    with counting() as (requests, states):
        started = time.monotonic()
        target = outcome.upload(stack, f"bench-{run_id}.jsonl", body)
        found = executions.wait([target], timeout=3600)[target]
        seconds = time.monotonic() - started
    parent = found[0]
    history = stack.clients.stepfunctions.get_execution_history(executionArn=parent["executionArn"])
    parent_states = sum(e["type"].endswith("StateEntered") for e in history["events"])
    summary = json.loads(parent.get("output") or "{}").get("validation", {})
    # The benchmark's own calls (the upload, polling Step Functions) are not the pipeline's.
    pipeline = {f"{s}:{o}": n for (s, o), n in sorted(requests.items()) if s != "states" and o != "PutObject"}
    pipeline_puts = requests[("s3", "PutObject")] - 1
    if pipeline_puts:
        pipeline["s3:PutObject"] = pipeline_puts
    scale = PER_MILLION / records
    # Per file, whatever its size: the validator's invoke and S3 traffic, the ledger's claim and
    # update, the parent's states. Per record: one put or one review message, the children's states.
    ledger_claims = 1
    per_record = {
        "dynamodb:PutItem": pipeline.get("dynamodb:PutItem", 0) - ledger_claims,
        "sqs:SendMessage": pipeline.get("sqs:SendMessage", 0),
    }
    per_file = {k: v for k, v in pipeline.items() if k not in per_record}
    per_file["dynamodb:PutItem (ledger claim)"] = ledger_claims
    child_states = states["all"] - parent_states
    batches = int(summary.get("batches") or 0)
    return {
        "records": records,
        "invalid": summary.get("invalid"),
        "batches": batches,
        "status": parent["status"],
        "seconds": round(seconds, 1),
        "records_per_second_in_moto": round(records / seconds, 1),
        "per_file": {"requests": per_file, "parent_state_transitions (STANDARD, billed)": parent_states},
        "per_million_records": {
            "requests": {k: round(v * scale) for k, v in per_record.items()},
            "child_state_transitions (EXPRESS, not billed per transition)": round(child_states * scale),
            "express_child_executions (billed per request)": round(batches * scale),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--invalid-every", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    result = run(args.records, args.invalid_every)
    print(json.dumps(result, indent=None if args.json else 2, ensure_ascii=False))


if __name__ == "__main__":
    main()
