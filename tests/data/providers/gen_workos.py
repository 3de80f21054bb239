#!/usr/bin/env python3
"""WorkOS WorkOS-Signature vectors, checked with workos-python's Webhooks.verify_header.

Install used:  /tmp/venv-vec/bin/pip install workos==10.8.0
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_workos.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm @workos-inc/node 8.13.0 webhooks.verifyHeader
               (which signs JSON.stringify(parsed payload), so it agrees only on compact JSON bodies).

SDK code read: workos/webhooks/_resource.py Webhooks.verify_header: header split on ", " (exactly,
comma + space), t = part[2:], v1 = part[3:]; timestamp in MILLISECONDS; rejects
|now - t/1000| > tolerance (default 180 s; both directions); signed bytes f"{t}.{raw_body}";
hex HMAC-SHA256 with the secret as typed; hmac.compare_digest.  No signer: signed with hmac here.
"""
import hashlib, hmac, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok, frozen_clock, NOW  # noqa: E402
from importlib.metadata import version  # noqa: E402
from workos.webhooks._resource import Webhooks  # noqa: E402

wh = Webhooks.__new__(Webhooks)  # verify_header uses no client state
r = Recorder("workos", f"workos (PyPI) {version('workos')}, workos.webhooks._resource.Webhooks.verify_header (clock frozen)",
             "gen_workos.py")
SEC = "whsec_workos_endpoint_secret_0123456789"


def sign(secret, t, body):
    return hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()


def check(header, body, secret, now):
    with frozen_clock(now):
        return ok(wh.verify_header, event_body=body, event_signature=header, secret=secret)


def add(name, header, body, valid, note, secret=SEC, now=NOW):
    r.add(name=name, secret=secret, method="POST", url=None,
          headers={"Content-Type": "application/json", "WorkOS-Signature": header}, body=body, now_unix=now,
          valid=valid, sdk_result=check(header, body, secret, now), note=note)


B = ('{"id":"event_01HV0000000000000000000000","data":{"id":"user_01HV0000000000000000000000","object":"user",'
     '"email":"todd@example.com"},"event":"user.created","created_at":"2026-01-01T00:00:00.000Z"}')
T = NOW * 1000 - 2500
S = sign(SEC, T, B)
add("basic", f"t={T}, v1={S}", B, True, "t in ms, ', ' separator, hex HMAC-SHA256 over '{t}.{body}' (t as sent, ms).")
add("tampered-body", f"t={T}, v1={S}", tamper(B), False, "One body byte changed.")
add("wrong-secret", f"t={T}, v1={S}", B, False, "Another secret.", secret="whsec_other")
add("seconds-timestamp-signed", f"t={NOW - 2}, v1={sign(SEC, NOW - 2, B)}", B, False,
    "A timestamp in SECONDS is read as ms (1970): outside the tolerance.")
add("stale-181s", f"t={(NOW - 181) * 1000}, v1={sign(SEC, (NOW - 181) * 1000, B)}", B, False, "181 s old: past 180 s.")
add("old-179s", f"t={(NOW - 179) * 1000}, v1={sign(SEC, (NOW - 179) * 1000, B)}", B, True, "179 s old: inside 180 s.")
add("future-181s", f"t={(NOW + 181) * 1000}, v1={sign(SEC, (NOW + 181) * 1000, B)}", B, False,
    "Python SDK uses abs(): 181 s in the future is rejected. The Node SDK checks only staleness and accepts it.")
add("no-space-separator", f"t={T},v1={S}", B, False,
    "Python SDK splits on ', ' exactly: without the space it fails to parse (the Node SDK splits on ',' and accepts). "
    "Real WorkOS deliveries use ', '. Implementation-defined.")
r.write()
