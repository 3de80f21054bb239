#!/usr/bin/env python3
"""Paddle Billing Paddle-Signature vectors, checked with Paddle's Python SDK.

Install used:  /tmp/venv-vec/bin/pip install paddle-python-sdk==1.16.1
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_paddle.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm @paddle/paddle-node-sdk 3.10.0
               (Webhooks.isSignatureValid), which keeps only the LAST h1 (see note on multi-h1 vectors).

SDK code read: paddle_billing/Notifications/Verifier.py (Verifier.verify: header Paddle-Signature,
maximum_variance 5 s, rejects now > ts+5 AND ts-5 > now) and PaddleSignature.py (parse: split ';',
then '=', keys ts / h1 (h1 may repeat), any other key -> ValueError; signed bytes f"{ts}:{raw_body}";
hex HMAC-SHA256 with the secret as typed; any h1 may match).  The SDK has no signer: signatures
are made with hmac here (PaddleSignature.calculate_hmac is the SDK's own helper and is used).
"""
import os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok, frozen_clock, NOW  # noqa: E402
from importlib.metadata import version  # noqa: E402
import paddle_billing.Notifications.Verifier  # noqa: E402,F401
vmod = sys.modules["paddle_billing.Notifications.Verifier"]
from paddle_billing.Notifications import Secret, Verifier  # noqa: E402
from paddle_billing.Notifications.PaddleSignature import PaddleSignature  # noqa: E402

r = Recorder("paddle", f"paddle-python-sdk (PyPI) {version('paddle-python-sdk')}, paddle_billing.Notifications.Verifier.verify "
             "(clock frozen)", "gen_paddle.py")
SECRET = "pdl_ntfset_01hv8w6tr0a2yqpn4ajt5nq4dz_TFz8mEgG3T8vQ3iFZ5gOxd5JbEHuHgPc"
OLD = "pdl_ntfset_01hv8w0000000000000000000_oldSecretOldSecretOldSecret00"


class Req:
    def __init__(self, headers, body):
        self.headers = headers
        self.body = body.encode()


def h1(secret, ts, body):
    return PaddleSignature.calculate_hmac(secret, f"{ts}:{body}".encode()).hexdigest()


def check(header, body, secret, now=NOW):
    os.environ.pop("TEST_MODE", None)
    with frozen_clock(now):
        with __import__("unittest").mock.patch.object(vmod, "time", return_value=float(now)):
            return ok(Verifier().verify, Req({"Paddle-Signature": header}, body), Secret(secret))


def add(name, header, body, valid, note, secret=SECRET, now=NOW):
    r.add(name=name, secret=secret, method="POST", url=None,
          headers={"Content-Type": "application/json", "Paddle-Signature": header}, body=body, now_unix=now,
          valid=valid, sdk_result=check(header, body, secret, now), note=note)


BODY = ('{"event_id":"evt_01hv8x2acma2gz7he3k4mjx0ze","event_type":"transaction.completed",'
        '"occurred_at":"2026-01-01T00:00:00.000000Z","notification_id":"ntf_01hv8x2af1g2g3ecbwkwmqzp7y",'
        '"data":{"id":"txn_01hv8wptq8987qeep44cyrewp9","status":"completed"}}')
TS = NOW - 1
S = h1(SECRET, TS, BODY)
add("basic", f"ts={TS};h1={S}", BODY, True, "ts (unix s) ; h1 = hex HMAC-SHA256(secret as typed, '{ts}:{body}').")
add("tampered-body", f"ts={TS};h1={S}", tamper(BODY), False, "One body byte changed.")
add("wrong-secret", f"ts={TS};h1={S}", BODY, False, "Verified with another secret.", secret=OLD)
add("stale-6s", f"ts={NOW - 6};h1={h1(SECRET, NOW - 6, BODY)}", BODY, False, "ts 6 s old: past the SDK's 5 s variance.")
add("old-5s", f"ts={NOW - 5};h1={h1(SECRET, NOW - 5, BODY)}", BODY, True, "ts exactly 5 s old: the SDK rejects only now > ts+5.")
add("future-6s", f"ts={NOW + 6};h1={h1(SECRET, NOW + 6, BODY)}", BODY, False,
    "Python SDK rejects ts-5 > now (future). The Node SDK checks only staleness and would accept this.")
add("two-h1-new-first", f"ts={TS};h1={S};h1={h1(OLD, TS, BODY)}", BODY, True,
    "Secret rotation: two h1, the verifier's secret matches the FIRST. Python SDK accepts any h1; "
    "the Node SDK keeps only the last h1 and REJECTS this (see gen_crosscheck.mjs).")
add("two-h1-new-last", f"ts={TS};h1={h1(OLD, TS, BODY)};h1={S}", BODY, True,
    "Two h1, the matching one last (both SDKs accept).")
add("two-h1-neither", f"ts={TS};h1={h1(OLD, TS, BODY)};h1={h1('x', TS, BODY)}", BODY, False, "Two h1, neither matches.")
add("order-h1-before-ts", f"h1={S};ts={TS}", BODY, True, "Key order does not matter to the parser.")
add("signature-over-dot-separator", f"ts={TS};h1={PaddleSignature.calculate_hmac(SECRET, f'{TS}.{BODY}'.encode()).hexdigest()}",
    BODY, False, "Signed with '.' (Stripe style) instead of ':' must fail.")
add("unknown-key", f"ts={TS};h1={S};h2=abcd", BODY, False,
    "Python SDK raises ValueError on an unknown key (h2); the Node SDK ignores it. Implementation-defined; recorded as the Python SDK decides.")
add("uppercase-hex", f"ts={TS};h1={S.upper()}", BODY, False, "Both SDKs compare lowercase hex strings: uppercase hex fails.")
r.write()
