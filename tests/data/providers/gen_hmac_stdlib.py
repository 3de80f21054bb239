#!/usr/bin/env python3
"""Vectors for the senders with no installable official verifier, computed with Python's
standard library (hmac, hashlib, base64) from the scheme as the catalogue and the sender's docs
describe it.  They prove hooksig matches OUR READING of the docs, not that the sender agrees:
every file says so in `source`, and FACTS.md gives each scheme's evidence.

Install used:  none (Python 3.11 standard library)
Run:           python3 tests/data/providers/gen_hmac_stdlib.py
Writes:        meta, jira, bitbucket, intercom, paystack, lemonsqueezy, vercel, zendesk, calendly,
               typeform, dropbox, sentry, notion, zoom, twitch, gitlab, telegram,
               shopify_events .json  (mailgun.json: gen_mailgun.py, with Mailgun's SDK)
Then:          NODE_PATH=/tmp/npm-zoom/node_modules node tests/data/providers/gen_zoom.mjs
               re-verifies zoom.json with Zoom's @zoom/rivet and marks it `sdk_checked`.
"""
import base64, hashlib, hmac, json, os, sys  # noqa: E401
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper, NOW  # noqa: E402

HEX = lambda b: b.hex()  # noqa: E731
B64 = lambda b: base64.b64encode(b).decode()  # noqa: E731


def mac(alg, key, msg):
    return hmac.new(key.encode() if isinstance(key, str) else key, msg.encode() if isinstance(msg, str) else msg, alg).digest()


def rec(sender, docs):
    return Recorder(sender, f"stdlib hmac/hashlib (Python {sys.version.split()[0]}), computed from the documented scheme; "
                    f"docs: {docs}; no official verifier installs here", "gen_hmac_stdlib.py")


def add(r, name, secret, headers, body, valid, note, now=None, method="POST", url=None, **extra):
    r.add(name=name, secret=secret, method=method, url=url, headers=headers, body=body, now_unix=now, valid=valid,
          sdk_result=None, note=note, **extra)


def raw_body_family(sender, docs, header, alg, enc, prefix, body, secret, extra_headers=None, extra_note=""):
    """Raw-body HMAC senders: valid, tampered, wrong secret, wrong encoding/prefix."""
    r = rec(sender, docs)
    d = mac(alg, secret, body)
    sig = prefix + (HEX(d) if enc == "hex" else B64(d))
    h = {"Content-Type": "application/json", header: sig}
    h.update(extra_headers or {})
    add(r, "basic", secret, h, body, True, f"{header}: {prefix}{enc} {alg().name.upper()} HMAC of the raw body. {extra_note}".strip())
    add(r, "tampered-body", secret, h, tamper(body), False, "One body byte changed.")
    add(r, "wrong-secret", "not-the-secret", h, body, False, "Verified with another secret.")
    other = prefix + (B64(d) if enc == "hex" else HEX(d))
    add(r, "wrong-encoding", secret, {**h, header: other}, body, False, f"Right MAC in the other encoding ({'base64' if enc == 'hex' else 'hex'}).")
    if prefix:
        add(r, "missing-prefix", secret, {**h, header: sig[len(prefix):]}, body, False, f"Signature without the '{prefix}' prefix.")
    if enc == "hex":
        add(r, "uppercase-hex", secret, {**h, header: prefix + HEX(d).upper()}, body, True,
            "Uppercase hex of the right MAC: implementation-defined (senders send lowercase); recorded as accepted, like hooksig's "
            "Generic 'either-case hex'. Flip if hooksig decides lowercase-only.", implementation_defined=True)
    return r


S256, S1, S512 = hashlib.sha256, hashlib.sha1, hashlib.sha512
J = '{"object":"page","entry":[{"id":"1234567890","time":1767225600,"changes":[{"field":"feed","value":{"item":"status","verb":"add"}}]}]}'

# Meta: GitHub-identical, plus the GET hub.challenge handshake.
r = raw_body_family("meta", "https://developers.facebook.com/docs/graph-api/webhooks/getting-started", "X-Hub-Signature-256", S256, "hex",
                    "sha256=", J, "meta_app_secret_0123456789abcdef")
# Meta escapes non-ASCII as \uXXXX in the body it signs (catalogue R): the escaped bytes are what is signed.
jesc = '{"entry":[{"id":"1","messaging":[{"message":{"text":"caf\\u00e9"}}]}]}'
add(r, "body-with-unicode-escapes", "meta_app_secret_0123456789abcdef",
    {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + HEX(mac(S256, "meta_app_secret_0123456789abcdef", jesc))},
    jesc, True, "Body carries \\u00e9 escapes; the raw bytes (with the escapes) are signed, never a re-encoded form.")
add(r, "handshake-subscribe", "meta_app_secret_0123456789abcdef", {}, "", True,
    "GET ?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token: if hub.verify_token equals the "
    "configured verify token, answer 200 with body '1158201444' (the challenge, verbatim); else 403. Unsigned.",
    method="GET", url="https://example.com/meta/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token",
    verify_token="my-verify-token", expected_response={"status": 200, "body": "1158201444"})
add(r, "handshake-wrong-verify-token", "meta_app_secret_0123456789abcdef", {}, "", False,
    "Same GET with a wrong hub.verify_token: refuse (403), do not echo.", method="GET",
    url="https://example.com/meta/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong",
    verify_token="my-verify-token", expected_response={"status": 403})
r.write()

raw_body_family("jira", "https://developer.atlassian.com/cloud/jira/platform/webhooks/ (WebSub method=signature)", "X-Hub-Signature", S256, "hex",
                "sha256=", '{"timestamp":1767225600000,"webhookEvent":"jira:issue_created","issue":{"id":"10001","key":"HS-1"}}',
                "jira-webhook-secret", {"X-Atlassian-Webhook-Identifier": "1234567890", "X-Atlassian-Webhook-Retry": "0"}).write()
raw_body_family("bitbucket", "https://bitbucket.org/blog/enhanced-webhook-security", "X-Hub-Signature", S256, "hex", "sha256=",
                '{"push":{"changes":[{"new":{"name":"main","type":"branch"}}]},"repository":{"full_name":"team/repo"}}',
                "bitbucket-secret", {"X-Request-UUID": "3c8c0a9e-0000-4000-8000-000000000001", "X-Event-Key": "repo:push",
                                     "X-Hook-UUID": "4d9d1baf-0000-4000-8000-000000000002"},
                "Header is X-Hub-Signature (no -256) with a sha256= value.").write()
r = raw_body_family("intercom", "https://developers.intercom.com/docs/references/webhooks/webhook-models", "X-Hub-Signature", S1, "hex",
                    "sha1=", '{"type":"notification_event","app_id":"abc123","data":{"type":"notification_event_data","item":{"type":"ping","message":"Hello"}},"topic":"ping","id":"notif_1","delivery_attempts":1,"first_sent_at":1767225600}',
                    "intercom-client-secret", extra_note="This body is the 'ping' topic sent when the webhook is set up.")
r.write()
raw_body_family("paystack", "https://paystack.com/docs/payments/webhooks/", "x-paystack-signature", S512, "hex", "",
                '{"event":"charge.success","data":{"id":302961,"reference":"qTPrJoy9Bx","amount":10000,"currency":"NGN"}}',
                "sk_test_0000000000000000000000000000000000000000", extra_note="Key = the secret API key (sk_test_/sk_live_).").write()
raw_body_family("lemonsqueezy", "https://docs.lemonsqueezy.com/help/webhooks/signing-requests", "X-Signature", S256, "hex", "",
                '{"meta":{"event_name":"order_created","test_mode":true},"data":{"type":"orders","id":"1"}}', "lemon-signing-secret",
                {"X-Event-Name": "order_created"}).write()
raw_body_family("vercel", "https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks", "x-vercel-signature", S1, "hex", "",
                '{"id":"evt_1","type":"deployment.succeeded","createdAt":1767225600000,"payload":{"deployment":{"id":"dpl_1"}}}',
                "vercel-webhook-secret").write()
raw_body_family("typeform", "https://www.typeform.com/developers/webhooks/secure-your-webhooks/", "Typeform-Signature", S256, "base64",
                "sha256=", '{"event_id":"01HV0000000000000000000000","event_type":"form_response","form_response":{"form_id":"abc"}}',
                "typeform-secret").write()
r = raw_body_family("dropbox", "https://www.dropbox.com/developers/reference/webhooks", "X-Dropbox-Signature", S256, "hex", "",
                    '{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},"delta":{"users":[12345678]}}', "dropbox-app-secret")
pb = '{"delta": {"users": [12345]}}'
add(r, "third-party-vector", "the_secret", {"Content-Type": "application/json", "X-Dropbox-Signature": "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529"},
    pb, True, "hapi-dropbox-webhooks test vector (third-party, catalogue §3.11); recomputed here.")
assert HEX(mac(S256, "the_secret", pb)) == "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529"
add(r, "handshake-challenge", "dropbox-app-secret", {}, "", True,
    "GET ?challenge=abc123: answer 200 body 'abc123', Content-Type: text/plain, X-Content-Type-Options: nosniff. Unsigned.",
    method="GET", url="https://example.com/dropbox/webhook?challenge=abc123",
    expected_response={"status": 200, "headers": {"Content-Type": "text/plain", "X-Content-Type-Options": "nosniff"}, "body": "abc123"})
r.write()
raw_body_family("sentry", "https://docs.sentry.io/integrations/integration-platform/webhooks/", "Sentry-Hook-Signature", S256, "hex", "",
                '{"action":"created","installation":{"uuid":"a8e5d37a-0000-4000-8000-000000000001"},"data":{"issue":{"id":"1"}},"actor":{"type":"application","id":"sentry","name":"Sentry"}}',
                "sentry-client-secret", {"Request-ID": "c1d2e3f4-0000-4000-8000-000000000003", "Sentry-Hook-Resource": "issue",
                                         "Sentry-Hook-Timestamp": str(NOW)},
                "Sentry-Hook-Timestamp is sent but is NOT part of the signed bytes.").write()
r = raw_body_family("notion", "https://developers.notion.com/reference/v2-webhooks", "X-Notion-Signature", S256, "hex", "sha256=",
                    '{"id":"367cba44-b6f3-4c92-81e7-6a2e9659efd4","timestamp":"2026-01-01T00:00:00.000Z","workspace_id":"13950b26-c203-4f3b-b97d-93ec06319565","subscription_id":"29d75c0d-5546-4414-8459-7b7a92f1fc4b","integration_id":"0ef2e755-4912-8096-91c1-00376a88a5ca","type":"page.created","entity":{"id":"153104cd-477e-809d-8dc4-ff2d96ae3090","type":"page"},"api_version":"2022-06-28"}',
                    "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl")
vt = '{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}'
add(r, "handshake-verification-token-post", None, {"Content-Type": "application/json"}, vt, True,
    "The one-time verification POST: unsigned JSON carrying verification_token. Surface it to the user (who pastes it into "
    "Notion and configures it as the secret); never treat it as authenticated or as a configured secret.",
    expected_response={"status": 200}, surfaced_verification_token="secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl")
r.write()

# Zendesk: base64 HMAC-SHA256 over timestamp + body, secret as typed; the published test secret.
r = rec("zendesk", "https://developer.zendesk.com/documentation/webhooks/verifying/")
ZS = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
zb = '{"type":"zen:event-type:ticket.created","id":"01HV0000000000000000000000","detail":{"id":"35436"}}'
zts = "2026-01-01T00:00:00Z"
zsig = B64(mac(S256, ZS, zts + zb))
zh = {"Content-Type": "application/json", "X-Zendesk-Webhook-Signature": zsig, "X-Zendesk-Webhook-Signature-Timestamp": zts,
      "x-zendesk-webhook-id": "01HV00000000000000000WEBHK", "x-zendesk-webhook-invocation-id": "123456789"}
add(r, "basic-published-test-secret", ZS, zh, zb, True,
    "Secret = Zendesk's published fixed test secret, used as the UTF-8 string (NOT base64-decoded); signed = timestamp + body, no separator.", now=NOW)
add(r, "secret-base64-decoded-is-wrong", ZS, {**zh, "X-Zendesk-Webhook-Signature": B64(mac(S256, base64.b64decode(ZS), zts + zb))}, zb, False,
    "A signature made with the base64-DECODED secret must not verify.", now=NOW)
add(r, "tampered-body", ZS, zh, tamper(zb), False, "One body byte changed.", now=NOW)
add(r, "timestamp-changed", ZS, {**zh, "X-Zendesk-Webhook-Signature-Timestamp": "2026-01-01T00:00:01Z"}, zb, False, "The timestamp header is signed.", now=NOW)
add(r, "empty-body", ZS, {**zh, "X-Zendesk-Webhook-Signature": B64(mac(S256, ZS, zts))}, "", True, "Empty body: signed bytes are the timestamp alone.", now=NOW)
r.write()

# Calendly: t=<s>,v1=<hex> over "{t}.{body}".
r = rec("calendly", "https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures")
CK = "calendly-signing-key"
cb = '{"created_at":"2026-01-01T00:00:00.000000Z","created_by":"https://api.calendly.com/users/AAAA","event":"invitee.created","payload":{"email":"a@example.com"}}'
ct = NOW - 10
chd = lambda t, b=cb, k=CK: {"Content-Type": "application/json", "Calendly-Webhook-Signature": f"t={t},v1={HEX(mac(S256, k, f'{t}.{b}'))}"}  # noqa: E731
add(r, "basic", CK, chd(ct), cb, True, "t = unix s; hex HMAC-SHA256 over '{t}.{body}'.", now=NOW)
add(r, "tampered-body", CK, chd(ct), tamper(cb), False, "One body byte changed.", now=NOW)
add(r, "wrong-key", CK, chd(ct, k="other"), cb, False, "Signed with another key.", now=NOW)
add(r, "stale-181s", CK, chd(NOW - 181), cb, False, "181 s old: past the 3-minute tolerance the catalogue gives (3, not in the docs excerpt: check).", now=NOW,
    implementation_defined=True)
r.write()

# Zoom: v0=<hex> over "v0:{ts}:{body}", plus the url_validation handshake.
r = rec("zoom", "https://developers.zoom.us/docs/api/webhooks/")
ZT = "zoom_secret_token_0123456789"
zob = '{"event":"meeting.started","payload":{"account_id":"AAAA","object":{"id":"1234567890","uuid":"abc=="}},"event_ts":1767225599000}'
zh = lambda ts, b=zob, k=ZT: {"Content-Type": "application/json", "x-zm-request-timestamp": str(ts),  # noqa: E731
                              "x-zm-signature": "v0=" + HEX(mac(S256, k, f"v0:{ts}:{b}"))}
add(r, "basic", ZT, zh(NOW - 2), zob, True, "x-zm-signature: v0=hex HMAC-SHA256(secret token, 'v0:{ts}:{body}'); ts unix s.", now=NOW)
add(r, "tampered-body", ZT, zh(NOW - 2), tamper(zob), False, "One body byte changed.", now=NOW)
add(r, "wrong-secret", ZT, zh(NOW - 2, k="other"), zob, False, "Another secret token.", now=NOW)
add(r, "timestamp-changed", ZT, {**zh(NOW - 2), "x-zm-request-timestamp": str(NOW - 1)}, zob, False, "The timestamp header is signed.", now=NOW)
pt = "qgg8vlvZRS6UYooatFL8Aw"
vb = '{"payload":{"plainToken":"' + pt + '"},"event_ts":1767225600000,"event":"endpoint.url_validation"}'
enc = HEX(mac(S256, ZT, pt))
add(r, "url-validation", ZT, zh(NOW, vb), vb, True,
    "endpoint.url_validation (signed like any event): answer 200 application/json {\"plainToken\": p, \"encryptedToken\": "
    "hex HMAC-SHA256(key=secret token, msg=plainToken)} within 3 s.", now=NOW,
    expected_response={"status": 200, "json": {"plainToken": pt, "encryptedToken": enc}})
r.write()

# Twitch: sha256=<hex> over id + timestamp + body; challenge and revocation.
r = rec("twitch", "https://dev.twitch.tv/docs/eventsub/handling-webhook-events/")
TS_ = "twitch-subscription-secret-0123"
tid, tts = "befa7b53-d79d-478f-86b9-120f112b044e", "2025-12-31T23:59:50.634234626Z"
th = lambda typ, b, mid=tid, ts=tts, k=TS_: {"Content-Type": "application/json", "Twitch-Eventsub-Message-Id": mid,  # noqa: E731
                                             "Twitch-Eventsub-Message-Retry": "0", "Twitch-Eventsub-Message-Type": typ,
                                             "Twitch-Eventsub-Message-Timestamp": ts,
                                             "Twitch-Eventsub-Message-Signature": "sha256=" + HEX(mac(S256, k, mid + ts + b)),
                                             "Twitch-Eventsub-Subscription-Type": "channel.follow", "Twitch-Eventsub-Subscription-Version": "2"}
nb = '{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"2","status":"enabled"},"event":{"user_id":"1337","broadcaster_user_id":"1234"}}'
add(r, "notification", TS_, th("notification", nb), nb, True, "HMAC over message id + timestamp (RFC 3339, ns, as sent) + body, no separators.", now=NOW)
add(r, "tampered-body", TS_, th("notification", nb), tamper(nb), False, "One body byte changed.", now=NOW)
add(r, "id-changed", TS_, {**th("notification", nb), "Twitch-Eventsub-Message-Id": "other-id"}, nb, False, "The message id is signed.", now=NOW)
old = "2025-12-31T23:49:59Z"
add(r, "stale-10min-1s", TS_, th("notification", nb, ts=old), nb, False, "Timestamp 10 min 1 s old: Twitch's docs say reject > 10 minutes.", now=NOW)
cb_ = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2"}}'
add(r, "webhook-callback-verification", TS_, th("webhook_callback_verification", cb_), cb_, True,
    "Challenge (signed): answer 200, Content-Type text/plain, body = the challenge string verbatim.", now=NOW,
    expected_response={"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "pogchamp-kappa-360noscope-vohiyo"})
rv = '{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"authorization_revoked","type":"channel.follow","version":"2"}}'
add(r, "revocation", TS_, th("revocation", rv), rv, True, "Revocation (signed): acknowledge with 2xx.", now=NOW, expected_response={"status": 204})
r.write()

# Mailgun: signature.{timestamp, token, signature} in the JSON body; HMAC over timestamp + token only.
# Token senders.
r = rec("gitlab", "https://docs.gitlab.com/user/project/integrations/webhooks/")
gb = '{"object_kind":"push","ref":"refs/heads/main"}'
gh = {"Content-Type": "application/json", "X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "gitlab-secret-token",
      "X-Gitlab-Event-UUID": "11111111-0000-4000-8000-000000000001", "X-Gitlab-Webhook-UUID": "22222222-0000-4000-8000-000000000002"}
add(r, "token-match", "gitlab-secret-token", gh, gb, True, "X-Gitlab-Token equals the configured token (constant-time). Proves knowledge of the token, not body integrity.")
add(r, "token-mismatch", "gitlab-secret-token", {**gh, "X-Gitlab-Token": "gitlab-secret-tokeN"}, gb, False, "One character differs.")
add(r, "token-missing", "gitlab-secret-token", {k: v for k, v in gh.items() if k != "X-Gitlab-Token"}, gb, False, "No token header.")
add(r, "body-changed-still-valid", "gitlab-secret-token", gh, tamper(gb), True, "The token does not cover the body.")
r.write()
r = rec("telegram", "https://core.telegram.org/bots/api#setwebhook")
tb = '{"update_id":123456789,"message":{"message_id":1,"date":1767225600,"chat":{"id":1,"type":"private"},"text":"/start"}}'
th_ = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "Tg_secret-token_0123"}
add(r, "token-match", "Tg_secret-token_0123", th_, tb, True, "Secret token (1-256 chars A-Za-z0-9_-) given to setWebhook; id = body update_id.")
add(r, "token-mismatch", "Tg_secret-token_0123", {**th_, "X-Telegram-Bot-Api-Secret-Token": "Tg_secret-token_0124"}, tb, False, "One character differs.")
add(r, "token-missing", "Tg_secret-token_0123", {"Content-Type": "application/json"}, tb, False, "No token header.")
r.write()

# Shopify newer event webhooks: unprefixed header set.
r = rec("shopify_events", "https://shopify.dev/docs/apps/build/webhooks/verify-deliveries")
SK = "shopify-app-client-secret"
sb = '{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}'
ss = B64(mac(S256, SK, sb))
legacy = {"Content-Type": "application/json", "X-Shopify-Hmac-Sha256": ss, "X-Shopify-Topic": "orders/create",
          "X-Shopify-Shop-Domain": "example.myshopify.com", "X-Shopify-API-Version": "2026-01",
          "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5"}
new = {"Content-Type": "application/json", "shopify-hmac-sha256": ss, "shopify-topic": "orders/create",
       "shopify-shop-domain": "example.myshopify.com", "shopify-api-version": "2026-01",
       "shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", "shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5"}
add(r, "legacy-x-shopify-headers", SK, legacy, sb, True, "base64 HMAC-SHA256 of the raw body in X-Shopify-Hmac-Sha256.")
add(r, "new-unprefixed-headers", SK, new, sb, True, "Event webhooks: same MAC in unprefixed shopify-hmac-sha256, id/event from shopify-event-id / shopify-topic.")
add(r, "new-headers-tampered", SK, new, tamper(sb), False, "One body byte changed.")
mixed = {"Content-Type": "application/json", "shopify-hmac-sha256": ss, "X-Shopify-Topic": "orders/create",
         "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5"}
add(r, "mixed-header-sets", SK, mixed, sb, False,
    "Unprefixed signature with X-Shopify-* topic/id: the issue says never mix the two sets; hooksig's decision, not Shopify's.",
    implementation_defined=True)
r.write()
