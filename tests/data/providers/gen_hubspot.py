#!/usr/bin/env python3
"""HubSpot X-HubSpot-Signature (v1, v2) and X-HubSpot-Signature-v3 vectors, made and checked with
hubspot-api-client's Signature class.

Install used:  /tmp/venv-vec/bin/pip install hubspot-api-client==12.0.0
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_hubspot.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm @hubspot/api-client 13.5.0 Signature.isValid.

SDK code read: hubspot/utils/signature.py.  get_signature: v1 = hex SHA-256(secret + body);
v2 = hex SHA-256(secret + method + uri + body); v3 = base64 HMAC-SHA256(key=secret,
method + uri + body + timestamp).  is_valid(v3) raises InvalidSignatureTimestampError unless
now - floor(ts_ms/1000) s < 300 s (future timestamps pass).
Neither SDK decodes the URI: HubSpot's docs say to decode a fixed set of %XX escapes in the URI
before signing; the `uri-decoding-*` vectors pass the *decoded* URI to the SDK (field `signed_uri`)
while `url` is the URI as received on the wire.
"""
import os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok, frozen_clock, NOW  # noqa: E402
from importlib.metadata import version  # noqa: E402
import hubspot.utils.signature as sigmod  # noqa: E402
from hubspot.utils.signature import Signature  # noqa: E402

r = Recorder("hubspot", f"hubspot-api-client (PyPI) {version('hubspot-api-client')}, hubspot.utils.signature.Signature "
             "(get_signature to sign, is_valid to check; clock frozen)", "gen_hubspot.py")
CS = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
URI = "https://www.example.com/webhook_uri"

# The decode set of HubSpot's docs (catalogue row 18, D): these escapes are decoded before signing.
DECODE = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'", "%28": "(",
          "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}


def decode(uri):
    for k, v in DECODE.items():
        uri = uri.replace(k, v).replace(k.lower(), v)
    return uri


def check(sig, secret, body, version_, uri=None, method="POST", ts=None, now=NOW):
    with frozen_clock(now, [sigmod]):
        return ok(Signature.is_valid, sig, secret, body, http_uri=uri, http_method=method,
                  signature_version=version_, timestamp=ts)


def add_v12(name, ver, secret, body, uri, method, sig, valid, note, verify_secret=None, verify_body=None, verify_uri=None):
    vs, vb, vu = verify_secret or secret, body if verify_body is None else verify_body, verify_uri or uri
    h = {"Content-Type": "application/json", "X-HubSpot-Signature": sig, "X-HubSpot-Signature-Version": ver}
    r.add(name=name, secret=vs, method=method, url=vu, headers=h, body=vb, now_unix=None, valid=valid,
          sdk_result=check(sig, vs, vb, ver, vu, method), note=note)


def add_v3(name, secret, body, uri, method, ts_ms, valid, note, now=NOW, signed_uri=None, verify_secret=None,
           verify_body=None, sig=None):
    su = signed_uri or uri
    sig = sig or Signature.get_signature(secret, body, "v3", su, method, str(ts_ms))
    vs, vb = verify_secret or secret, body if verify_body is None else verify_body
    h = {"Content-Type": "application/json", "X-HubSpot-Signature-v3": sig, "X-HubSpot-Request-Timestamp": str(ts_ms)}
    v = dict(name=name, secret=vs, method=method, url=uri, headers=h, body=vb, now_unix=now, valid=valid,
             sdk_result=check(sig, vs, vb, "v3", su, method, str(ts_ms), now), note=note)
    if signed_uri:
        v["signed_uri"] = signed_uri
    r.add(**v)


# Published (hubspot-api-python tests/spec/utils/test_signature.py; node signature.spec.js; HubSpot docs FAQ pages).
pb = "{'example_field':'example_value'}"
assert Signature.get_signature(CS, pb, "v1") == "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750"
add_v12("published-v1", "v1", CS, pb, None, "POST", "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750",
        True, "hubspot-api-python test_get_signature__v1. v1 signs secret+body only (no URI, no method).")
add_v12("published-v2", "v2", CS, pb, URI, "POST", "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383",
        True, "hubspot-api-python test_get_signature__v2.")
add_v12("published-v2-get", "v2", CS, "", URI, "GET", "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e",
        True, "hubspot-api-python test_is_valid__v2_get_method and HubSpot docs FAQ 'v2 request validation' (GET, empty body).")
v1doc = ('[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation",'
         '"attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]')
add_v12("published-v1-docs", "v1", CS, v1doc, None, "POST", "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
        True, "HubSpot docs FAQ 'v1 request validation' and @hubspot/api-client signature.spec.js 'Validates v1'.")
add_v12("published-v2-body-node", "v2", CS, '{"example_field":"example_value"}', URI, "POST",
        "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900", True,
        "@hubspot/api-client signature.spec.js 'Validates v2 with body'.")
add_v12("v1-tampered", "v1", CS, v1doc, None, "POST", "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
        False, "v1 with one body byte changed.", verify_body=tamper(v1doc))
add_v12("v2-wrong-uri", "v2", CS, pb, URI, "POST", "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383",
        False, "v2 signs the URI.", verify_uri=URI + "?x=1")
add_v12("v1-wrong-secret", "v1", CS, v1doc, None, "POST", "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de",
        False, "v1 with another secret.", verify_secret="zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")

# v3 published: the SDK test's fixed timestamp 15000000 (ms); only get_signature is testable (stale for is_valid).
assert Signature.get_signature(CS, pb, "v3", URI, "POST", 15000000) == "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="
add_v3("published-v3-signature-stale", CS, pb, URI, "POST", 15000000, False,
       "hubspot-api-python test_get_signature__v3: signature HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw= is right for "
       "timestamp 15000000 ms (1970), so a verifier with a replay window rejects it; with now_unix = 15000 it would pass.")
add_v3("published-v3-at-its-time", CS, pb, URI, "POST", 15000000, True,
       "Same vector, clock set to 15000 s (= ts 15000000 ms).", now=15000)

BODY = ('[{"eventId":100,"subscriptionId":2000,"portalId":3000,"appId":4000,"occurredAt":1767225599000,'
        '"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,"propertyName":"email",'
        '"propertyValue":"a@example.com","changeSource":"CRM"}]')
U = "https://example.com/hubspot/webhook?portal=3000"
TS = NOW * 1000 - 1500
add_v3("v3-basic", CS, BODY, U, "POST", TS, True, "v3: method + URI (with query) + body + timestamp (ms), base64.")
add_v3("v3-tampered-body", CS, BODY, U, "POST", TS, False, "One body byte changed.", verify_body=tamper(BODY))
add_v3("v3-wrong-secret", CS, BODY, U, "POST", TS, False, "Another client secret.", verify_secret="other-secret")
add_v3("v3-wrong-method", CS, BODY, U, "PUT", TS, False, "Signed as POST, received as PUT.",
       sig=Signature.get_signature(CS, BODY, "v3", U, "POST", str(TS)))
add_v3("v3-stale-301s", CS, BODY, U, "POST", (NOW - 301) * 1000, False, "Timestamp 301 s old: past the SDK's 300 s.")
add_v3("v3-old-299s", CS, BODY, U, "POST", (NOW - 299) * 1000, True, "Timestamp 299 s old: inside 300 s.")
add_v3("v3-future-1h-sdk-accepts", CS, BODY, U, "POST", (NOW + 3600) * 1000, True,
       "SDK quirk: both SDKs only reject OLD timestamps; one hour in the future passes (hooksig's two-sided window "
       "would reject it: implementation-defined).")
add_v3("v3-get-empty-body", CS, "", "https://example.com/hubspot/crm-card?userId=1&portalId=3000", "GET", TS, True,
       "GET (CRM card / workflow action style), empty body.")
# URI decoding per the docs: received with %XX escapes, signed decoded.
enc = "https://example.com/hubspot/webhook?name=a%3Ab%2Fc%3Fd%40e%21f%24g%27h%28i%29j%2Ak%2Cl%3Bm&space=a%20b"
add_v3("v3-uri-decoding-docs-set", CS, BODY, enc, "POST", TS, True,
       "Docs: decode %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B before signing; other escapes (here %20) stay "
       "encoded. signed_uri is what the SDK was given (it does no decoding itself). From catalogue D row, not re-read.",
       signed_uri=decode(enc))
add_v3("v3-uri-not-decoded", CS, BODY, enc, "POST", TS, False,
       "A signature over the decoded URI does not match the still-encoded URI (what a verifier that forgets to decode checks).",
       sig=Signature.get_signature(CS, BODY, "v3", decode(enc), "POST", str(TS)))
r.write()
