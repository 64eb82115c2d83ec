#!/usr/bin/env python3
"""Submits a goal to Switchyard as a tenant's backend and prints its result (a GoalResult, as JSON, on stdout).

    NATS_URL=nats://127.0.0.1:4222 NATS_NKEY=auth/backend-acme.nk NATS_INBOX_PREFIX=_INBOX_backend-acme \\
        python3 submit_goal.py --tenant acme "Agents need budgets."

It subscribes to the goal's done subject first, then publishes the goal on the submit subject with a Nats-Msg-Id
header and a reply inbox for the stream's acknowledgement, and waits for a final result (interim results of a goal
paused for a person go to stderr). Exit code: 0 when the goal ended ok, 3 when it ended otherwise, 4 on timeout,
2 on bad usage or a bad seed, 1 when the bus refused or failed.
"""

import argparse
import json
import os
import sys
import time
import uuid

from nats_client import NatsConnection, NatsError
from nkeys import NkeyError, UserKey

PAUSED = {"needs_input", "needs_approval", "needs_review"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("text", help="the goal in plain words")
    parser.add_argument("--tenant", default=os.environ.get("SY_TENANT", "default"), help="the backend's tenant")
    parser.add_argument("--user", default=os.environ.get("SY_USER", "backend"), help="who the goal is for")
    parser.add_argument("--plan", default="demo", help='a template plan, or "llm" (default: demo)')
    parser.add_argument("--input", help="structured input for the plan, a JSON object")
    parser.add_argument("--id", default=str(uuid.uuid4()), help="the goal id (default: a random UUID)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the result")
    parser.add_argument("--prefix", default=os.environ.get("SY_PREFIX", "sy"), help="the deployment's prefix")
    return parser.parse_args()


def build_goal(args: argparse.Namespace) -> dict:
    goal = {"v": 1, "id": args.id, "tenant": args.tenant, "user": args.user, "text": args.text, "plan": args.plan}
    if args.input is not None:
        try:
            goal["input"] = json.loads(args.input)
        except json.JSONDecodeError as err:
            raise ValueError(f"--input is not valid JSON: {err}") from None
    return goal


def submit(nc: NatsConnection, subject: str, inbox: str, goal: dict) -> None:
    """Publishes the goal into the goals stream and checks the stream's acknowledgement."""
    acks = nc.subscribe(inbox)
    # The goal id as Nats-Msg-Id: JetStream drops a copy published again. A random id is one no other sender can guess.
    nc.publish(subject, json.dumps(goal).encode(), reply=inbox, headers={"Nats-Msg-Id": goal["id"]})
    ack = nc.next_msg(acks, timeout=10)
    if ack is None:
        raise NatsError(f"no acknowledgement for the goal on {subject}")
    if ack.status == "503":
        raise NatsError(f"no stream stores {subject}: is the coordinator running with prefix {subject.split('.')[0]}?")
    reply = ack.json()
    if "error" in reply:
        raise NatsError(f"the goals stream refused the goal: {reply['error'].get('description', reply['error'])}")


def wait_for_result(nc: NatsConnection, sid: int, goal_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        msg = nc.next_msg(sid, timeout=max(0.0, deadline - time.monotonic()))
        if msg is None:
            raise TimeoutError(f"no result for goal {goal_id} within {timeout:g} s")
        result = msg.json()
        if result.get("status") not in PAUSED:
            return result
        print(f"goal {goal_id} paused: {result['status']} (waiting for a person)", file=sys.stderr)


def main() -> int:
    args = parse_args()
    try:
        goal = build_goal(args)
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return 2
    seed_file = os.environ.get("NATS_NKEY")
    try:
        key = UserKey.from_file(seed_file) if seed_file else None
    except (OSError, NkeyError) as err:
        print(f"NATS_NKEY {seed_file}: {err}", file=sys.stderr)
        return 2
    inbox_prefix = os.environ.get("NATS_INBOX_PREFIX", "_INBOX")
    try:
        nc = NatsConnection(os.environ.get("NATS_URL", "nats://127.0.0.1:4222"), key)
    except (OSError, NatsError) as err:
        print(f"cannot connect: {err}", file=sys.stderr)
        return 1
    try:
        done = nc.subscribe(f"{args.prefix}.goal.done.{args.tenant}.{goal['id']}")
        nc.flush()  # the subscription is in place before the goal can finish
        submit(nc, f"{args.prefix}.goals.submit.{args.tenant}", f"{inbox_prefix}.{uuid.uuid4().hex}", goal)
        print(f"goal {goal['id']} submitted", file=sys.stderr)
        result = wait_for_result(nc, done, goal["id"], args.timeout)
    except TimeoutError as err:
        print(str(err), file=sys.stderr)
        return 4
    except NatsError as err:
        print(str(err), file=sys.stderr)
        return 1
    finally:
        nc.close()
    print(json.dumps(result, indent=2))
    return 0 if result.get("status") == "ok" else 3


if __name__ == "__main__":
    sys.exit(main())
