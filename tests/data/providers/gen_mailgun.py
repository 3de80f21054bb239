#!/usr/bin/env python3
"""Mailgun webhook-signature vectors, checked with Mailgun's official Python SDK.

Install used:  pip install --target /tmp/pmg mailgun==1.10.0   (github.com/mailgun/mailgun-python)
Run:           PYTHONPATH=/tmp/pmg python3 tests/data/providers/gen_mailgun.py

SDK code read: mailgun/security.py, SecurityGuard.verify_webhook(signing_key, token, timestamp,
signature, max_age_seconds=900): hex HMAC-SHA256(signing key, f"{timestamp}{token}") compared
with hmac.compare_digest; the timestamp is hashed as sent (int() only for the age check).
Every vector's SDK verdict is that function's, called with the three fields as this script reads
them from the body (JSON `signature.{timestamp,token,signature}`, or the legacy form fields), the
clock frozen at NOW and max_age_seconds=0 (no age check: hooksig checks no window by default).
The signature is made here with the standard library (the SDK has no signing helper) and every
vector is then checked by the SDK.
"""
import hashlib
import hmac
import json
import os
import sys
from urllib.parse import parse_qsl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import NOW, Recorder, frozen_clock, ok  # noqa: E402

from importlib.metadata import version  # noqa: E402
from mailgun.security import SecurityGuard  # noqa: E402

KEY = "key-mailgun-webhook-signing-key-0123"
TS, TOKEN = str(NOW - 5), "c0ffee0123456789abcdef0123456789abcdef0123456789ab"
r = Recorder("mailgun", f"mailgun (PyPI) {version('mailgun')}, mailgun.security.SecurityGuard.verify_webhook "
             "(the fields read from the body by gen_mailgun.py; the MAC made with hmac)", "gen_mailgun.py")


def sign(key, ts, token):
    return hmac.new(key.encode(), f"{ts}{token}".encode(), hashlib.sha256).hexdigest()


def fields(body):
    if body.lstrip().startswith("{"):
        s = json.loads(body)["signature"]
        return s["timestamp"], s["token"], s["signature"]
    form = dict(parse_qsl(body, keep_blank_values=True))
    return form["timestamp"], form["token"], form["signature"]


def json_body(ts=TS, token=TOKEN, signature=None, event="delivered"):
    return json.dumps({"signature": {"timestamp": ts, "token": token, "signature": signature or sign(KEY, ts, token)},
                       "event-data": {"id": "CPgfbmQMTCKtHW6uIWtuVe", "event": event, "timestamp": NOW - 6}},
                      separators=(",", ":"))


def add(name, key, body, valid, note, content_type="application/json"):
    ts, token, signature = fields(body)
    with frozen_clock():
        sdk = ok(SecurityGuard.verify_webhook, key, token, ts, signature, max_age_seconds=0)
    r.add(name=name, secret=key, method="POST", url=None, headers={"Content-Type": content_type}, body=body,
          now_unix=NOW, valid=valid, sdk_result=sdk, note=note)


add("basic", KEY, json_body(), True, "hex HMAC-SHA256(signing key, timestamp + token). The event data is NOT signed.")
add("event-data-changed-still-valid", KEY, json_body(event="failed"), True,
    "Changing event-data keeps the signature valid: Mailgun signs only timestamp+token (documented limitation).")
add("token-changed", KEY, json_body(token=TOKEN[:-1] + "0", signature=sign(KEY, TS, TOKEN)), False, "The token is signed.")
add("timestamp-changed", KEY, json_body(ts=str(NOW - 4), signature=sign(KEY, TS, TOKEN)), False, "The timestamp is signed.")
add("wrong-key", "other-key", json_body(), False, "Another signing key.")
add("uppercase-hex", KEY, json_body(signature=sign(KEY, TS, TOKEN).upper()), False,
    "The right MAC in uppercase hex: the SDK compares the lowercase hex text, so it fails.")
add("old-timestamp-no-window", KEY, json_body(ts=str(NOW - 86400)), True,
    "A day-old timestamp: no window by default (the SDK's max_age_seconds=0).")
form = f"timestamp={TS}&token={TOKEN}&signature={sign(KEY, TS, TOKEN)}&event=delivered&recipient=alice%40example.com"
add("legacy-form-fields", KEY, form, True, "Legacy form posts carry timestamp, token, signature as top-level form fields.",
    content_type="application/x-www-form-urlencoded")
r.write()
