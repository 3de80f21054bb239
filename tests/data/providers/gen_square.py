#!/usr/bin/env python3
"""Square x-square-hmacsha256-signature vectors, checked with Square's Python SDK.

Install used:  /tmp/venv-vec/bin/pip install squareup==46.0.0.20260916
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_square.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm `square` 46.0.0 WebhooksHelper.verifySignature.

SDK code read: square/utils/webhooks_helper.py verify_signature(request_body, signature_header,
signature_key, notification_url): base64(HMAC-SHA256(key=signature_key UTF-8,
msg=notification_url + request_body)), hmac.compare_digest; empty body -> False; empty key/URL ->
ValueError.  The SDK has no signer, so signatures are made with Python's hmac and confirmed by it.
"""
import base64, hashlib, hmac, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok  # noqa: E402
from importlib.metadata import version  # noqa: E402
from square.utils.webhooks_helper import verify_signature  # noqa: E402

r = Recorder("square", f"squareup (PyPI) {version('squareup')}, square.utils.webhooks_helper.verify_signature",
             "gen_square.py")


def sign(key, url, body):
    return base64.b64encode(hmac.new(key.encode(), (url + body).encode(), hashlib.sha256).digest()).decode()


def add(name, key, url, body, signature, valid, note, verify_url=None, verify_key=None):
    vu, vk = verify_url or url, verify_key or key
    res = ok(verify_signature, request_body=body, signature_header=signature, signature_key=vk, notification_url=vu)
    r.add(name=name, secret=vk, method="POST", url=vu,
          headers={"Content-Type": "application/json", "x-square-hmacsha256-signature": signature},
          body=body, now_unix=None, valid=valid, sdk_result=res, note=note)


# Published vectors (square-nodejs-sdk test/utilities/webhooksHelper.test.ts).
P = [("Ibxx_5AKakO-3qeNVR61Dw", "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
      '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
      "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="),
     ("signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":"fake_id"}}',
      "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="),
     ("signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":">id<"}}',
      "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=")]
for i, (k, u, b, s) in enumerate(P, 1):
    assert sign(k, u, b) == s
    add(f"published-{i}", k, u, b, s, True, "square-nodejs-sdk webhooksHelper.test.ts vector; also recomputed here.")

KEY = "hooksig-square-signature-key"
URL = "https://example.com/square/webhooks"
BODY = ('{"merchant_id":"ML0000000000","type":"payment.updated","event_id":"11111111-2222-3333-4444-555555555555",'
        '"created_at":"2026-01-01T00:00:00Z","data":{"type":"payment","id":"pay_1","object":{"note":"caf\u00e9 \u2713"}}}')
S = sign(KEY, URL, BODY)
add("basic-utf8", KEY, URL, BODY, S, True, "Body has non-ASCII UTF-8 (the SDK encodes URL+body as UTF-8).")
add("tampered-body", KEY, URL, tamper(BODY), S, False, "Last byte of the body changed.")
add("wrong-key", KEY, URL, BODY, S, False, "Verified with another key.", verify_key="other-key")
add("wrong-url-trailing-slash", KEY, URL, BODY, S, False,
    "The notification URL is signed byte for byte: a trailing slash differs.", verify_url=URL + "/")
add("wrong-url-port", KEY, URL, BODY, S, False,
    "No port normalisation (unlike Twilio): :443 differs.", verify_url="https://example.com:443/square/webhooks")
add("url-with-query", KEY, URL + "?env=prod", BODY, sign(KEY, URL + "?env=prod", BODY), True,
    "A query string in the configured notification URL is part of the signed bytes.")
add("signature-not-base64-hex", KEY, URL, BODY, hmac.new(KEY.encode(), (URL + BODY).encode(), hashlib.sha256).hexdigest(),
    False, "Hex encoding of the right MAC is not accepted: the header is base64.")
add("empty-body", KEY, URL, "", sign(KEY, URL, ""), False, "The SDK returns False for an empty body even with a right MAC.")
r.write()
