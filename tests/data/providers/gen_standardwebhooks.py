#!/usr/bin/env python3
"""Standard Webhooks vectors: v1a (Ed25519, from the specification), Supabase's `v1,whsec_` secret
form, GitLab signing tokens and svix-* headers.

Install used:  /tmp/venv-vec/bin/pip install standardwebhooks==1.1.0 svix==2.9.1 cryptography==50.0.2
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_standardwebhooks.py
Cross-check:   gen_crosscheck.mjs re-verifies the v1 vectors with npm standardwebhooks 1.1.1 and svix 1.99.1.

v1 (HMAC-SHA256): signed and verified with standardwebhooks.Webhook (sign / verify; clock frozen).
v1a (Ed25519): NO reference library implements it (standardwebhooks 1.1.0 python and 1.1.1 npm and
svix 2.9.1 / 1.99.1 skip every entry whose version is not "v1").  These vectors follow the spec text
(standard-webhooks/standard-webhooks spec/standard-webhooks.md, "Signature scheme" and "Webhook
headers"): content `{msg_id}.{timestamp}.{payload}`, signature entry `v1a,<base64 64-byte Ed25519
signature>`, entries space-delimited, keys `whsk_`/`whpk_` + base64.  The spec says only "base64
encoded" for the keys; here whpk_ = base64 of the raw 32-byte public key and whsk_ = base64 of the
32-byte seed (an interpretation, flagged in FACTS.md).  They are signed and verified with
`cryptography`'s Ed25519 (RFC 8032, deterministic), sdk_checked=false.
"""
import base64, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, ok, frozen_clock, NOW  # noqa: E402
from importlib.metadata import version  # noqa: E402
import datetime as dt  # noqa: E402
import standardwebhooks.webhooks as swmod  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402
import svix.webhooks as svmod  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731

# ---------------------------------------------------------------- v1a (spec)
ra = Recorder("standardwebhooks_v1a", "Standard Webhooks spec (standard-webhooks/standard-webhooks spec/standard-webhooks.md, "
              f"v1a = Ed25519); signed and verified with cryptography {version('cryptography')} Ed25519 (no reference library "
              "implements v1a)", "gen_standardwebhooks.py")
SEED = bytes(range(32))
sk = Ed25519PrivateKey.from_private_bytes(SEED)
pk_raw = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
WHPK = "whpk_" + b64(pk_raw)
WHSK = "whsk_" + b64(SEED)
other_pk = "whpk_" + b64(Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def spec_verify_v1a(whpk, headers, body, now, tolerance=300):
    """The spec's rule: any v1a entry that verifies under the trusted key, timestamp within tolerance."""
    ts = int(headers["webhook-timestamp"])
    if abs(now - ts) > tolerance:
        return False
    pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(whpk[len("whpk_"):]))
    msg = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    for entry in headers["webhook-signature"].split(" "):
        ver, _, sig = entry.partition(",")
        if ver != "v1a":
            continue
        try:
            pub.verify(base64.b64decode(sig), msg)
            return True
        except Exception:
            pass
    return False


def v1a_sig(msg_id, ts, body, key=sk):
    return "v1a," + b64(key.sign(f"{msg_id}.{ts}.{body}".encode()))


MID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
BODY = '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}'
TS = NOW - 3


def add_a(name, sig_header, body, valid, note, ts=TS, key=WHPK, now=NOW, msg_id=MID):
    h = {"Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sig_header}
    got = spec_verify_v1a(key, h, body, now)
    assert got == valid, (name, got)
    ra.add(name=name, public_key=key, method="POST", url=None, headers=h, body=body, now_unix=now, valid=valid,
           sdk_result=None, note=note + " (verified here with cryptography's Ed25519; no SDK has v1a)")


S = v1a_sig(MID, TS, BODY)
ra.doc["keys"] = {"whsk": WHSK, "whpk": WHPK, "note": "whsk_ = base64 of the 32-byte RFC 8032 seed 00 01 .. 1f; whpk_ = base64 of the raw 32-byte public key"}
add_a("v1a-basic", S, BODY, True, "Single v1a entry; message = id.timestamp.body as in the spec's minified example.")
add_a("v1a-tampered-body", S, tamper(BODY), False, "One body byte changed.")
add_a("v1a-wrong-public-key", S, BODY, False, "Verified against another whpk_.", key=other_pk)
add_a("v1a-stale", v1a_sig(MID, NOW - 301, BODY), BODY, False, "Timestamp 301 s old (5 min tolerance of the reference libraries' v1).", ts=NOW - 301)
add_a("v1a-future", v1a_sig(MID, NOW + 301, BODY), BODY, False, "Timestamp 301 s ahead (the reference libraries reject 'too new' too).", ts=NOW + 301)
add_a("v1a-wrong-id", S, BODY, False, "Signature made for another msg id.", msg_id="msg_other")
SYM = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
v1 = Webhook(SYM).sign(MID, dt.datetime.fromtimestamp(TS, tz=dt.timezone.utc), BODY)
add_a("mixed-v1-then-v1a", v1 + " " + S, BODY, True,
      "Header as in the spec example: 'v1,<hmac> v1a,<ed25519>'. An Ed25519-configured verifier skips the v1 entry.")
add_a("mixed-v1a-bad-then-good", v1a_sig(MID, TS, BODY, Ed25519PrivateKey.from_private_bytes(bytes([9]) * 32)) + " " + S, BODY, True,
      "Key rotation: first v1a entry from another key, second valid.")
add_a("only-v1-for-ed25519-verifier", v1, BODY, False, "Only a v1 (HMAC) entry: an Ed25519 verifier has nothing to check.")
add_a("v1a-sig-under-v1-label", "v1," + S[4:], BODY, False, "Ed25519 signature labelled v1: not a v1a entry.")
ra.write()

# ---------------------------------------------------------------- v1 presets (SDK)
rv = Recorder("standardwebhooks_presets", f"standardwebhooks (PyPI) {version('standardwebhooks')} Webhook.sign/verify and "
              f"svix (PyPI) {version('svix')} svix.webhooks.Webhook.verify (clocks frozen)", "gen_standardwebhooks.py")


def sw_check(secret, headers, body, now):
    with frozen_clock(now, [swmod, svmod]):
        return ok(Webhook(secret).verify, body, headers)


def svix_check(secret, headers, body, now):
    with frozen_clock(now, [swmod, svmod]):
        return ok(svmod.Webhook(secret).verify, body, headers)


SUPA_B64 = b64(bytes(range(100, 132)))
SUPA_DASH = "v1,whsec_" + SUPA_B64
SUPA_BODY = '{"user_id":"8b3f3b8e-0000-4000-8000-000000000001","claims":{"aal":"aal1"},"authentication_method":"password"}'
sig = Webhook("whsec_" + SUPA_B64).sign("msg_supabase_0001", dt.datetime.fromtimestamp(TS, tz=dt.timezone.utc), SUPA_BODY)
hs = {"Content-Type": "application/json", "webhook-id": "msg_supabase_0001", "webhook-timestamp": str(TS), "webhook-signature": sig}
rv.add(name="supabase-auth-hook-v1-whsec-secret", secret=SUPA_DASH, method="POST", url=None, headers=hs, body=SUPA_BODY,
       now_unix=NOW, valid=True, sdk_result=sw_check("whsec_" + SUPA_B64, hs, SUPA_BODY, NOW),
       note="Supabase Auth Hooks show the secret as 'v1,whsec_<base64>'; strip 'v1,whsec_' and base64-decode. The SDK was "
            "given 'whsec_<base64>' (stripped of 'v1,') and accepts.")
bad = sw_check(SUPA_DASH, hs, SUPA_BODY, NOW)
rv.add(name="supabase-secret-passed-unstripped-to-sdk", secret=SUPA_DASH, method="POST", url=None, headers=hs, body=SUPA_BODY,
       now_unix=NOW, valid=True, sdk_result=None,
       note=f"Same delivery. Passing 'v1,whsec_...' unstripped to standardwebhooks-python gives verify()={bad}: its "
            "b64decode silently drops ',' and '_' and decodes a wrong key. hooksig must strip 'v1,' itself; valid=true is "
            "the right answer for a verifier that does.")
rv.add(name="supabase-tampered", secret=SUPA_DASH, method="POST", url=None, headers=hs, body=tamper(SUPA_BODY), now_unix=NOW,
       valid=False, sdk_result=sw_check("whsec_" + SUPA_B64, hs, tamper(SUPA_BODY), NOW), note="One body byte changed.")

GL_SECRET = "whsec_" + b64(bytes(range(200, 232)))
GL_BODY = '{"object_kind":"push","event_name":"push","ref":"refs/heads/main","project_id":15,"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}'
GL_ID = "5b3c8f7e-0000-4000-8000-00000000abcd"
gsig = Webhook(GL_SECRET).sign(GL_ID, dt.datetime.fromtimestamp(TS, tz=dt.timezone.utc), GL_BODY)
gh = {"Content-Type": "application/json", "X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "11111111-0000-4000-8000-000000000001",
      "X-Gitlab-Webhook-UUID": "22222222-0000-4000-8000-000000000002", "Idempotency-Key": GL_ID,
      "webhook-id": GL_ID, "webhook-timestamp": str(TS), "webhook-signature": gsig}
rv.add(name="gitlab-signing-token", secret=GL_SECRET, method="POST", url=None, headers=gh, body=GL_BODY, now_unix=NOW, valid=True,
       sdk_result=sw_check(GL_SECRET, gh, GL_BODY, NOW),
       note="GitLab signing token = Standard Webhooks v1; webhook-id equal to Idempotency-Key per catalogue row 16 (D, "
            "GitLab MRs not re-read here: the header set is an assumption).")
rv.add(name="gitlab-signing-token-stale", secret=GL_SECRET, method="POST", url=None, headers=gh, body=GL_BODY, now_unix=NOW + 301,
       valid=False, sdk_result=sw_check(GL_SECRET, gh, GL_BODY, NOW + 301), note="Checked 301 s later (5 min tolerance).")
rv.add(name="gitlab-signing-token-future", secret=GL_SECRET, method="POST", url=None, headers=gh, body=GL_BODY, now_unix=NOW - 310,
       valid=False, sdk_result=sw_check(GL_SECRET, gh, GL_BODY, NOW - 310), note="Checked 307 s before the timestamp: 'too new'.")

# svix-* headers (Clerk, Resend): the published Svix docs vector, verified by the svix SDK.
sv_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
sv_body = '{"test": 2432232314}'
svh = {"svix-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "svix-timestamp": "1614265330",
       "svix-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
rv.add(name="svix-docs-vector-svix-headers", secret=sv_secret, method="POST", url=None, headers=svh, body=sv_body,
       now_unix=1614265330, valid=True, sdk_result=svix_check(sv_secret, svh, sv_body, 1614265330),
       note="Svix docs example (catalogue §3.8), svix-* header names as Clerk and Resend send them.")
rv.add(name="svix-docs-vector-webhook-headers-standardwebhooks", secret=sv_secret, method="POST", url=None,
       headers={"webhook-id": svh["svix-id"], "webhook-timestamp": svh["svix-timestamp"], "webhook-signature": svh["svix-signature"]},
       body=sv_body, now_unix=1614265330, valid=True,
       sdk_result=sw_check(sv_secret, {"webhook-id": svh["svix-id"], "webhook-timestamp": svh["svix-timestamp"],
                                       "webhook-signature": svh["svix-signature"]}, sv_body, 1614265330),
       note="Same vector with webhook-* names (OpenAI, Supabase, GitLab), standardwebhooks SDK.")
rv.write()
