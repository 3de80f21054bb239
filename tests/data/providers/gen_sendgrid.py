#!/usr/bin/env python3
"""SendGrid Event Webhook (ECDSA P-256) vectors, checked with sendgrid-python's EventWebhook.

Install used:  /tmp/venv-vec/bin/pip install sendgrid==6.12.5 cryptography==50.0.2
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_sendgrid.py
Cross-check:   gen_crosscheck.mjs re-verifies with npm @sendgrid/eventwebhook 8.0.0 (starkbank-ecdsa).

SDK code read: sendgrid/helpers/eventwebhook/__init__.py: the verification key is base64 DER
SubjectPublicKeyInfo (the SDK wraps it in PEM armour itself), message = (timestamp + payload) UTF-8,
signature = base64 of a DER ECDSA signature, ECDSA P-256 with SHA-256; no timestamp tolerance.
The SDK only verifies: signatures are made with `cryptography` (RFC 6979 deterministic nonces, so
re-running reproduces the same bytes) from a fixed private scalar.
"""
import base64, json, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, NOW  # noqa: E402
from importlib.metadata import version  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature  # noqa: E402
from sendgrid.helpers.eventwebhook import EventWebhook  # noqa: E402

r = Recorder("sendgrid", f"sendgrid (PyPI) {version('sendgrid')}, sendgrid.helpers.eventwebhook.EventWebhook.verify_signature; "
             f"signed with cryptography {version('cryptography')}", "gen_sendgrid.py")
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
priv = ec.derive_private_key(0x1000000000000000000000000000000000000000000000000000000000000001, ec.SECP256R1())
other = ec.derive_private_key(0x2000000000000000000000000000000000000000000000000000000000000002, ec.SECP256R1())


def spki(k):
    return base64.b64encode(k.public_key().public_bytes(serialization.Encoding.DER,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo)).decode()


def sign(k, ts, body):
    return k.sign((ts + body).encode(), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))


def check(pub, body, sig_b64, ts):
    ew = EventWebhook(pub)
    try:
        return ew.verify_signature(body, sig_b64, ts)
    except Exception:
        return False


H_SIG, H_TS = "X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"


def add(name, pub, body, sig_b64, ts, valid, note):
    r.add(name=name, public_key=pub, method="POST", url=None,
          headers={"Content-Type": "application/json", H_SIG: sig_b64, H_TS: ts}, body=body, now_unix=None,
          valid=valid, sdk_result=check(pub, body, sig_b64, ts), note=note)


# Published (sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js).
PK = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
PS = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0="
PB = '{"category":"example_payload","event":"test_event","message_id":"message_id"}'
add("published", PK, PB, PS, "1588788367", True, "sendgrid-nodejs eventwebhook.spec.js vector.")
add("published-tampered", PK, tamper(PB), PS, "1588788367", False, "Published vector, one body byte changed.")
add("published-wrong-timestamp", PK, PB, PS, "1588788368", False, "The timestamp header is signed.")

PUB = spki(priv)
TS = str(NOW)
B = json.dumps([{"email": "example@test.com", "timestamp": NOW - 10, "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
                 "event": "processed", "category": ["cat facts"], "sg_event_id": "sg_event_id_0001",
                 "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"}], separators=(",", ":")) + "\r\n"
der = sign(priv, TS, B)
S = base64.b64encode(der).decode()
add("basic", PUB, B, S, TS, True, "Body is a JSON array ending in CRLF, as SendGrid posts it (the trailing bytes are signed).")
add("tampered-body", PUB, tamper(B.rstrip("\r\n")) + "\r\n", S, TS, False, "One body byte changed.")
add("body-without-trailing-crlf", PUB, B.rstrip("\r\n"), S, TS, False, "Stripping the trailing CRLF breaks the signature: sign the raw bytes.")
add("wrong-key", spki(other), B, S, TS, False, "Another verification key.")
rr, ss = decode_dss_signature(der)
add("high-s-malleated", PUB, B, base64.b64encode(encode_dss_signature(rr, N - ss)).decode(), TS, True,
    "(r, n-s) is also a valid ECDSA signature; the SDK (OpenSSL via cryptography) accepts it. A strict low-s verifier "
    "would reject it: implementation-defined (SendGrid does not say it normalises s).")
raw = rr.to_bytes(32, "big") + ss.to_bytes(32, "big")
add("raw-r-s-not-der", PUB, B, base64.b64encode(raw).decode(), TS, False, "64-byte r||s (JOSE form) instead of DER is rejected.")
r.write()
