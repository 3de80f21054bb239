#!/usr/bin/env python3
"""published.json: the senders' own published vectors (catalogue §3 plus the ones found in the SDK
tests read for this file), each with its source, each re-verified here with the official SDK
where one is installed (else recomputed with the standard library, marked so).

Install used:  /tmp/venv-vec/bin/pip install twilio==9.13.0 squareup==46.0.0.20260916 hubspot-api-client==12.0.0 \
                 razorpay==2.0.1 sendgrid==6.12.5 svix==2.9.1 standardwebhooks==1.1.0 cryptography==50.0.2
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_published.py
"""
import base64, hashlib, hmac, json, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import HERE, ok, frozen_clock  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402
from square.utils.webhooks_helper import verify_signature as sq_verify  # noqa: E402
from hubspot.utils.signature import Signature  # noqa: E402
import razorpay  # noqa: E402
from sendgrid.helpers.eventwebhook import EventWebhook  # noqa: E402
import svix.webhooks as svmod  # noqa: E402
import standardwebhooks.webhooks as swmod  # noqa: E402

mac = lambda a, k, m: hmac.new(k, m, a).digest()  # noqa: E731
out = {"_comment": "Published vectors of the senders, verbatim. 'checked_with' names the SDK function (or 'stdlib "
       "recompute') that confirmed each here; 'source' is where the vector is published.", "generator": "gen_published.py",
       "vectors": []}
fails = 0


def add(sender, name, source, checked_with, result, **v):
    global fails
    if result is not True:
        fails += 1
        print("FAIL", sender, name)
    out["vectors"].append({"sender": sender, "name": name, "source": source, "checked_with": checked_with, "valid": True, **v})


# Twilio
tp = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234", "From": "+14158675309", "To": "+18005551212"}
tu = "https://mycompany.com/myapp.php?foo=1&bar=2"
add("twilio", "form-params", "twilio/twilio-python tests/unit/test_request_validator.py (same vector in twilio-node spec/unit/webhooks/webhooks.spec.js)",
    "twilio 9.13.0 RequestValidator.validate", RequestValidator("12345").validate(tu, tp, "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
    secret="12345", url=tu, params=tp, headers={"X-Twilio-Signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
    signed_string=tu + "".join(k + tp[k] for k in sorted(tp)))
tb = '{"property": "value", "boolean": true}'
add("twilio", "body-sha256", "twilio-node spec/unit/webhooks/webhooks.spec.js (body hash helper)", "twilio 9.13.0 RequestValidator.compute_hash",
    RequestValidator("12345").compute_hash(tb) == "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
    body=tb, body_sha256_hex="0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620",
    note="Old twilio-python tests used the base64 form Ch/3Y02as7ldtcmi3+lBbkFQKyg6gMfPGWMmMvluZiA=; both current SDKs compare lowercase hex.")
# Square
SQ = [("Ibxx_5AKakO-3qeNVR61Dw", "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
       '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
       "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="),
      ("signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":"fake_id"}}', "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA="),
      ("signature-key", "https://webhook.site/webhooks", '{"data":{"type":"webhooks","id":">id<"}}', "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=")]
for i, (k, u, b, s) in enumerate(SQ, 1):
    add("square", f"webhooks-helper-{i}", "square/square-nodejs-sdk test/utilities/webhooksHelper.test.ts",
        "squareup 46.0.0.20260916 square.utils.webhooks_helper.verify_signature",
        ok(sq_verify, request_body=b, signature_header=s, signature_key=k, notification_url=u),
        secret=k, url=u, body=b, headers={"x-square-hmacsha256-signature": s})
# HubSpot
CS, HB, HU = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "{'example_field':'example_value'}", "https://www.example.com/webhook_uri"
HPY = "HubSpot/hubspot-api-python tests/spec/utils/test_signature.py"
HNODE = "@hubspot/api-client 13.5.0 lib/test/unit/signature.spec.js"
v1doc = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]'
for name, src, sig, ver, body, method, uri in [
        ("v1", HPY, "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750", "v1", HB, "POST", None),
        ("v2", HPY, "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383", "v2", HB, "POST", HU),
        ("v2-get", HPY + "; HubSpot docs FAQ 'v2 request validation' (developers.hubspot.com/docs/faq/v2-request-validation)",
         "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e", "v2", "", "GET", HU),
        ("v1-docs", HNODE + "; HubSpot docs FAQ 'v1 request validation' (developers.hubspot.com/docs/faq/v1-request-validation)",
         "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", "v1", v1doc, "POST", None),
        ("v2-body", HNODE, "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900", "v2", '{"example_field":"example_value"}', "POST", HU)]:
    add("hubspot", name, src, "hubspot-api-client 12.0.0 Signature.is_valid",
        ok(Signature.is_valid, sig, CS, body, http_uri=uri, http_method=method, signature_version=ver),
        secret=CS, method=method, url=uri, body=body, headers={"X-HubSpot-Signature": sig, "X-HubSpot-Signature-Version": ver})
add("hubspot", "v3", HPY + " test_get_signature__v3", "hubspot-api-client 12.0.0 Signature.get_signature (is_valid would reject the 1970 timestamp)",
    Signature.get_signature(CS, HB, "v3", HU, "POST", 15000000) == "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=",
    secret=CS, method="POST", url=HU, body=HB, now_unix=15000,
    headers={"X-HubSpot-Signature-v3": "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", "X-HubSpot-Request-Timestamp": "15000000"})
# Razorpay
rb = '{"a":1,"b":2,"c":{"d":3}}'
rs = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc"
add("razorpay", "utils-spec", "razorpay/razorpay-node test/utils/razorpay-utils.spec.js", "razorpay 2.0.1 Utility.verify_webhook_signature",
    ok(razorpay.Client(auth=("a", "b")).utility.verify_webhook_signature, rb, rs, "123456"),
    secret="123456", body=rb, headers={"X-Razorpay-Signature": rs})
# SendGrid
PK = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
PS = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="
PB = '{"category":"example_payload","event":"test_event","message_id":"message_id"}'
add("sendgrid", "eventwebhook-spec", "sendgrid/sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js",
    "sendgrid 6.12.5 EventWebhook.verify_signature", EventWebhook(PK).verify_signature(PB, PS, "1588788367"),
    public_key=PK, body=PB, headers={"X-Twilio-Email-Event-Webhook-Signature": PS, "X-Twilio-Email-Event-Webhook-Timestamp": "1588788367"})
# Svix / Standard Webhooks
svh = {"svix-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "svix-timestamp": "1614265330", "svix-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
with frozen_clock(1614265330, [svmod, swmod]):
    r1 = ok(svmod.Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify, '{"test": 2432232314}', svh)
add("svix", "docs-example", "Svix docs 'Verifying payloads manually' (docs.svix.com/receiving/verifying-payloads/how-manual)",
    "svix 2.9.1 Webhook.verify (clock frozen at the timestamp)", r1, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    body='{"test": 2432232314}', headers=svh, now_unix=1614265330)
# Stdlib-only recomputes (no SDK installed for them here).
ak = bytes.fromhex("DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00")
add("adyen", "notification", "Adyen/adyen-node-api-library src/__tests__/hmacValidator.spec.ts", "stdlib recompute",
    base64.b64encode(mac(hashlib.sha256, ak, b"pspReference:originalReference:merchantAccount:reference:1000:EUR:CAPTURE:true")).decode() == "xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=",
    secret_hex=ak.hex().upper(), signed_string="pspReference:originalReference:merchantAccount:reference:1000:EUR:CAPTURE:true",
    signature="xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=", note="Not one of issue 11's senders; kept from catalogue §3.4.")
for name, key, msg, want in [("sanity-1", b"test", b'1633519811129.{"_id":"resume"}', "tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0"),
                             ("sanity-2", b"try-me", b'1633518820676.{"title":"GROQ-Hooks are neat"}', "e7C9h2sfbFfc4V7TEz7PSOp4IoNzl0UdVsBV-1wgdeA")]:
    add("sanity", name, "sanity-io/webhook-toolkit test/signature.test.ts", "stdlib recompute",
        base64.urlsafe_b64encode(mac(hashlib.sha256, key, msg)).decode().rstrip("=") == want,
        secret=key.decode(), signed_string=msg.decode(), signature=want, note="Not one of issue 11's senders; kept from catalogue §3.7.")
add("dropbox", "third-party", "hapi-dropbox-webhooks test (THIRD-PARTY; Dropbox publishes no vector)", "stdlib recompute",
    mac(hashlib.sha256, b"the_secret", b'{"delta": {"users": [12345]}}').hex() == "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529",
    secret="the_secret", body='{"delta": {"users": [12345]}}', headers={"X-Dropbox-Signature": "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529"})
add("zendesk", "test-secret", "Zendesk docs 'Verifying webhook authenticity' (fixed test secret; quoted by third parties, docs not re-read here)",
    "n/a (a secret, not a signature)", True, secret="dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
    note="Used as the UTF-8 string; signs webhook test sends made before the webhook exists. zendesk.json uses it.")
with open(os.path.join(HERE, "published.json"), "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"published: {len(out['vectors'])} vectors, {fails} failures")
sys.exit(1 if fails else 0)
