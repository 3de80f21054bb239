#!/usr/bin/env python3
"""Twilio X-Twilio-Signature vectors, signed and checked with twilio-python.

Install used:  python3 -m venv /tmp/venv-vec && /tmp/venv-vec/bin/pip install twilio==9.13.0
Run:           /tmp/venv-vec/bin/python tests/data/providers/gen_twilio.py
Cross-check:   gen_crosscheck.mjs re-verifies every vector with twilio-node 6.3.1 validateRequest /
               validateRequestWithBody.

SDK code read: twilio/request_validator.py (RequestValidator.compute_signature, .validate,
add_port/remove_port, compute_hash).  Signing = RequestValidator.compute_signature; verifying =
RequestValidator.validate(url, params_or_raw_body, signature[, algorithm]).
For form posts the signed string is URL + for each param name (sorted, de-duplicated) each of its
values (sorted, de-duplicated) as name+value, HMAC-SHA1 with the Auth Token, base64.
For JSON posts (URL carries bodySHA256=<hex sha256(body)>) only the URL is signed.
"""
import hashlib
import os
import sys
from urllib.parse import parse_qs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Recorder, tamper  # noqa: E402

import twilio  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

TOKEN = "12345"
OTHER = "54321"
r = Recorder("twilio", f"twilio (PyPI) {twilio.__version__}, twilio.request_validator.RequestValidator "
             "(compute_signature to sign, validate to check)", "gen_twilio.py")


class Multi(dict):
    """parse_qs result exposing getlist(), as Django's QueryDict does, so repeated params work."""
    def getlist(self, k):
        return self[k]


def form(body):
    return Multi(parse_qs(body, keep_blank_values=True))


def sig(url, params, token=TOKEN, algorithm=None):
    return RequestValidator(token).compute_signature(url, params, algorithm)


def check(url, params_or_body, signature, token=TOKEN, algorithm=None):
    return RequestValidator(token).validate(url, params_or_body, signature, algorithm)


FORM = "application/x-www-form-urlencoded"


def add_form(name, *, signed_url, request_url, body, valid, note, token=TOKEN, verify_token=TOKEN,
             verify_body=None, algorithm=None, extra_headers=None):
    s = sig(signed_url, form(body), token, algorithm)
    h = {"Content-Type": FORM, "X-Twilio-Signature": s}
    if extra_headers:
        h.update(extra_headers)
    vb = body if verify_body is None else verify_body
    res = check(request_url, form(vb), s, verify_token, algorithm)
    r.add(name=name, secret=verify_token, method="POST", url=request_url, headers=h, body=vb,
          now_unix=None, valid=valid, sdk_result=res,
          note=note + (f" Signed URL: {signed_url}" if signed_url != request_url else ""))


# 1. The published twilio-python vector, rebuilt as a form post.
pub_body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
pub_url = "https://mycompany.com/myapp.php?foo=1&bar=2"
assert sig(pub_url, form(pub_body)) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=", sig(pub_url, form(pub_body))
add_form("published-form", signed_url=pub_url, request_url=pub_url, body=pub_body, valid=True,
         note="twilio-python test vector (RSOYDt4T1cUTdK1PDd93/VVr8B8=); query params are part of the URL, "
              "not of the sorted param list; values are the form-decoded ones ('+' from %2B).")

sms_url = "https://example.com/twilio/sms"
sms_body = ("AccountSid=AC00000000000000000000000000000000&ApiVersion=2010-04-01&Body=Hello+world%21"
            "&From=%2B15005550006&MessageSid=SM00000000000000000000000000000000&NumMedia=0&To=%2B15005550001")
add_form("form-sms", signed_url=sms_url, request_url=sms_url, body=sms_body, valid=True,
         note="Inbound SMS form post; '+' in the body decodes to a space and %21 to '!'.")
add_form("form-tampered-body", signed_url=sms_url, request_url=sms_url, body=sms_body,
         verify_body=sms_body.replace("Hello+world", "Hello+World"), valid=False,
         note="One byte of a param value changed after signing.")
add_form("form-wrong-token", signed_url=sms_url, request_url=sms_url, body=sms_body, token=OTHER,
         valid=False, note=f"Signed with auth token {OTHER!r}, verified with {TOKEN!r}.")
add_form("form-wrong-url-path", signed_url=sms_url, request_url="https://example.com/twilio/sms2", body=sms_body,
         valid=False, note="The URL is signed: another path must fail.")
add_form("form-wrong-url-scheme", signed_url=sms_url, request_url="http://example.com/twilio/sms", body=sms_body,
         valid=False, note="The scheme is part of the signed URL (proxies that terminate TLS must pass the public URL).")
add_form("form-query-changed", signed_url=sms_url + "?a=1", request_url=sms_url + "?a=2", body=sms_body,
         valid=False, note="Query string is signed verbatim as part of the URL.")

# Port variants: the SDK tries the URL with the port removed and with the default port added.
add_form("port-signed-with-443-received-without", signed_url="https://example.com:443/twilio/sms",
         request_url=sms_url, body=sms_body, valid=True,
         note="Twilio signed the URL with :443; receiver sees no port; SDK add_port() makes it match.")
add_form("port-signed-without-received-with-443", signed_url=sms_url,
         request_url="https://example.com:443/twilio/sms", body=sms_body, valid=True,
         note="Twilio signed without port; receiver reconstructs :443; SDK remove_port() makes it match.")
add_form("port-http-80", signed_url="http://example.com:80/twilio/sms", request_url="http://example.com/twilio/sms",
         body=sms_body, valid=True, note="Default port for http is 80 (add_port).")
add_form("port-https-signed-with-80-not-default", signed_url="https://example.com:80/twilio/sms",
         request_url=sms_url, body=sms_body, valid=False,
         note="add_port adds only the scheme's default (443 for https), so :80 on https never matches a port-less URL.")
add_form("port-nondefault-signed-without-received-with-8443", signed_url=sms_url,
         request_url="https://example.com:8443/twilio/sms", body=sms_body, valid=True,
         note="SDK quirk: remove_port() strips ANY explicit port, so a URL received on :8443 also matches the "
              "port-less signed URL (twilio-python and twilio-node both do this).")
add_form("port-nondefault-signed-with-8443", signed_url="https://example.com:8443/twilio/sms",
         request_url="https://example.com:8443/twilio/sms", body=sms_body, valid=True,
         note="Non-default port kept as signed.")
add_form("port-nondefault-signed-with-8443-received-without", signed_url="https://example.com:8443/twilio/sms",
         request_url=sms_url, body=sms_body, valid=False,
         note="A non-default port cannot be re-added: the port-less URL only gains :443.")

# Repeated params: names sorted; each name's values sorted and de-duplicated.
rep_body = "To=%2B15005550001&Tag=b&From=%2B15005550006&Tag=a&Tag=b&Empty="
rep_params = form(rep_body)
signed_string = sms_url + "Empty" + "From+15005550006" + "Taga" + "Tagb" + "To+15005550001"
import base64, hmac  # noqa: E402,E401
assert sig(sms_url, rep_params) == base64.b64encode(hmac.new(TOKEN.encode(), signed_string.encode(), "sha1").digest()).decode()
add_form("repeated-params-sorted-deduplicated", signed_url=sms_url, request_url=sms_url, body=rep_body, valid=True,
         note="Repeated name Tag=b,a,b: signed as 'Taga'+'Tagb' (values sorted and de-duplicated by both SDKs); "
              "an empty value contributes only its name ('Empty'). Signed string: " + signed_string)
# Without dedup, a naive verifier would sign TagaTagbTagb:
naive = base64.b64encode(hmac.new(TOKEN.encode(), (sms_url + "EmptyFrom+15005550006TagaTagbTagbTo+15005550001").encode(), "sha1").digest()).decode()
r.add(name="repeated-params-not-deduplicated-signature", secret=TOKEN, method="POST", url=sms_url,
      headers={"Content-Type": FORM, "X-Twilio-Signature": naive}, body=rep_body, now_unix=None, valid=False,
      sdk_result=check(sms_url, rep_params, naive),
      note="A signature over the values NOT de-duplicated (TagaTagbTagb) is rejected by the SDK.")
# A param name sort is by code unit (uppercase before lowercase).
case_body = "b=2&B=1&a=3"
add_form("param-name-sort-is-bytewise", signed_url=sms_url, request_url=sms_url, body=case_body, valid=True,
         note="Names sorted by code point: 'B' < 'a' < 'b'; signed string " + sms_url + "B1a3b2")
assert sig(sms_url, form(case_body)) == base64.b64encode(hmac.new(TOKEN.encode(), (sms_url + "B1a3b2").encode(), "sha1").digest()).decode()
add_form("no-params", signed_url=sms_url + "?x=1", request_url=sms_url + "?x=1", body="", valid=True,
         note="POST with an empty body (e.g. status callback configured with params in the URL): only the URL is signed.")

# SharedKey HMAC-SHA256 (X-Twilio-Webhooks-Signature-Settings).
SK = "shared-key-secret-0123456789"
add_form("sharedkey-hmac-sha256", signed_url=sms_url, request_url=sms_url, body=sms_body, token=SK, verify_token=SK,
         algorithm="HMAC_SHA256", valid=True,
         extra_headers={"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_0000,algorithm=HMAC_SHA256"},
         note="SharedKey webhooks: same string, HMAC-SHA256, key = SharedKey secret; algorithm named in "
              "X-Twilio-Webhooks-Signature-Settings (SDK get_signature_algorithm).")
s1 = sig(sms_url, form(sms_body), SK, None)
r.add(name="sharedkey-header-but-sha1-signature", secret=SK, method="POST", url=sms_url,
      headers={"Content-Type": FORM, "X-Twilio-Signature": s1,
               "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_0000,algorithm=HMAC_SHA256"},
      body=sms_body, now_unix=None, valid=False, sdk_result=check(sms_url, form(sms_body), s1, SK, "HMAC_SHA256"),
      note="Settings header names HMAC_SHA256; an HMAC-SHA1 signature must not be accepted.")

# JSON mode: bodySHA256 in the URL, only the URL is signed.
jbody = '{"property": "value", "boolean": true}'
jh = hashlib.sha256(jbody.encode()).hexdigest()
assert jh == "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
jurl = "https://example.com/twilio/json?bodySHA256=" + jh
js = sig(jurl, {})
JSONCT = "application/json"
r.add(name="json-bodysha256", secret=TOKEN, method="POST", url=jurl, headers={"Content-Type": JSONCT, "X-Twilio-Signature": js},
      body=jbody, now_unix=None, valid=True, sdk_result=check(jurl, jbody, js),
      note="JSON post: URL carries bodySHA256 = lowercase hex SHA-256 of the raw body; the HMAC covers the URL only "
           "(no params). Body hash is the published twilio-node vector.")
r.add(name="json-bodysha256-tampered-body", secret=TOKEN, method="POST", url=jurl,
      headers={"Content-Type": JSONCT, "X-Twilio-Signature": js}, body=tamper(jbody), now_unix=None, valid=False,
      sdk_result=check(jurl, tamper(jbody), js), note="URL signature still matches, body hash does not.")
jurl443 = "https://example.com:443/twilio/json?bodySHA256=" + jh
js443 = sig(jurl443, {})
r.add(name="json-bodysha256-port-variant", secret=TOKEN, method="POST", url=jurl,
      headers={"Content-Type": JSONCT, "X-Twilio-Signature": js443}, body=jbody, now_unix=None, valid=True,
      sdk_result=check(jurl, jbody, js443), note="Signed as " + jurl443 + "; received without port.")
jh_upper = jh.upper()
jurl_up = "https://example.com/twilio/json?bodySHA256=" + jh_upper
js_up = sig(jurl_up, {})
r.add(name="json-bodysha256-uppercase-hex", secret=TOKEN, method="POST", url=jurl_up,
      headers={"Content-Type": JSONCT, "X-Twilio-Signature": js_up}, body=jbody, now_unix=None, valid=False,
      sdk_result=check(jurl_up, jbody, js_up),
      note="The SDKs compare the hash as a string with lowercase hex: an uppercase bodySHA256 fails.")

r.write()
