#!/usr/bin/env python3
"""Razorpay X-Razorpay-Signature vectors, checked with razorpay-python's Utility.

Install used:  /tmp/venv-vec/bin/pip install razorpay==2.0.1
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_razorpay.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm razorpay 2.9.8 validateWebhookSignature.

SDK code read: razorpay/utility/utility.py verify_webhook_signature(body, signature, secret) ->
verify_signature: hex HMAC-SHA256(key=secret UTF-8, msg=body UTF-8), hmac.compare_digest,
raises SignatureVerificationError on mismatch.  No signer in the SDK: signed with hmac here.
"""
import hashlib, hmac, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok  # noqa: E402
from importlib.metadata import version  # noqa: E402
import razorpay  # noqa: E402

u = razorpay.Client(auth=("rzp_test_x", "y")).utility
r = Recorder("razorpay", f"razorpay (PyPI) {version('razorpay')}, razorpay.utility.Utility.verify_webhook_signature",
             "gen_razorpay.py")


def sign(secret, body):
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def add(name, secret, body, sig, valid, note, verify_secret=None):
    vs = verify_secret or secret
    r.add(name=name, secret=vs, method="POST", url=None,
          headers={"Content-Type": "application/json", "X-Razorpay-Signature": sig,
                   "X-Razorpay-Event-Id": "EvtIdFixed0001"},
          body=body, now_unix=None, valid=valid, sdk_result=ok(u.verify_webhook_signature, body, sig, vs), note=note)


pb = '{"a":1,"b":2,"c":{"d":3}}'
assert sign("123456", pb) == "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc"
add("published", "123456", pb, "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc", True,
    "razorpay-node test/utils/razorpay-utils.spec.js vector.")
SEC = "hooksig_webhook_secret"
B = ('{"entity":"event","account_id":"acc_000000000000","event":"payment.captured","contains":["payment"],'
     '"payload":{"payment":{"entity":{"id":"pay_000000000001","amount":50000,"currency":"INR"}}},"created_at":1767225600}')
S = sign(SEC, B)
add("basic", SEC, B, S, True, "Lowercase hex HMAC-SHA256 of the raw body, key = webhook secret as typed.")
add("tampered-body", SEC, tamper(B), S, False, "One body byte changed.")
add("wrong-secret", SEC, B, S, False, "Verified with the API key secret instead of the webhook secret.", verify_secret="api_key_secret")
add("uppercase-hex", SEC, B, S.upper(), False, "SDK compares strings: uppercase hex fails.")
add("whitespace-reserialised", SEC, B.replace(",", ", "), S, False, "Re-serialised JSON (spaces added) fails: the raw body is signed.")
r.write()
