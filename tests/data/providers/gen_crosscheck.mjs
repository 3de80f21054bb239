// Re-verifies the Python-recorded vector files with the senders' official Node SDKs, and records
// where the two official SDKs disagree.  Writes crosscheck_node.json.
//
// Install used:  mkdir -p /tmp/npm-vec && cd /tmp/npm-vec && npm init -y && npm install twilio@6.3.1 square@46.0.0 \
//                  @hubspot/api-client@13.5.0 @paddle/paddle-node-sdk@3.10.0 razorpay@2.9.8 @sendgrid/eventwebhook@8.0.0 \
//                  @workos-inc/node@8.13.0 standardwebhooks@1.1.1 svix@1.99.1
// Run:           NODE_PATH=/tmp/npm-vec/node_modules node tests/data/providers/gen_crosscheck.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE, require, pkgVersion, ok, freeze, unfreeze } from './_common.mjs';

const load = (f) => JSON.parse(readFileSync(join(HERE, f), 'utf8'));
const hdr = (v, name) => { const k = Object.keys(v.headers).find((x) => x.toLowerCase() === name.toLowerCase()); return k ? v.headers[k] : undefined; };
const out = { generator: 'gen_crosscheck.mjs', packages: {}, results: {} };

async function run(file, pkgs, verify) {
  for (const p of pkgs) out.packages[p] = pkgVersion(p);
  const doc = load(file);
  const rows = [];
  for (const v of doc.vectors) {
    if (v.node_skip) continue;
    if (v.now_unix != null) freeze(v.now_unix);
    const got = await ok(() => verify(v));
    unfreeze();
    rows.push({ name: v.name, recorded_valid: v.valid, node_sdk: got, agrees: got === v.valid });
  }
  out.results[file] = rows;
  const dis = rows.filter((r) => !r.agrees);
  console.log(`${file}: ${rows.length} checked with ${pkgs.join(', ')}; ${dis.length} disagree${dis.length ? ': ' + dis.map((d) => d.name).join(', ') : ''}`);
}

// Twilio
const twilio = require('twilio');
function formParams(body) {
  const p = {};
  for (const [k, val] of new URLSearchParams(body)) p[k] = k in p ? [].concat(p[k], val) : val;
  return p;
}
await run('twilio.json', ['twilio'], (v) => {
  const alg = twilio.getSignatureAlgorithm ? require('twilio/lib/webhooks/webhooks').getSignatureAlgorithm(hdr(v, 'X-Twilio-Webhooks-Signature-Settings')) : undefined;
  const sig = hdr(v, 'X-Twilio-Signature');
  if (v.url.includes('bodySHA256')) return twilio.validateRequestWithBody(v.secret, sig, v.url, v.body, alg);
  return twilio.validateRequest(v.secret, sig, v.url, formParams(v.body), alg);
});
// Square
const { WebhooksHelper } = require('square');
await run('square.json', ['square'], (v) => WebhooksHelper.verifySignature({ requestBody: v.body, signatureHeader: hdr(v, 'x-square-hmacsha256-signature'), signatureKey: v.secret, notificationUrl: v.url }));
// HubSpot
const { Signature } = require('@hubspot/api-client');
await run('hubspot.json', ['@hubspot/api-client'], (v) => {
  const v3 = hdr(v, 'X-HubSpot-Signature-v3');
  if (v3) return Signature.isValid({ signature: v3, clientSecret: v.secret, requestBody: v.body, url: v.signed_uri ?? v.url, method: v.method, signatureVersion: 'v3', timestamp: Number(hdr(v, 'X-HubSpot-Request-Timestamp')) });
  return Signature.isValid({ signature: hdr(v, 'X-HubSpot-Signature'), clientSecret: v.secret, requestBody: v.body, url: v.url, method: v.method, signatureVersion: hdr(v, 'X-HubSpot-Signature-Version') });
});
// Paddle
const paddleSdk = require('@paddle/paddle-node-sdk');
const paddle = new paddleSdk.Paddle('pdl_sdbx_apikey_00000000000000000000000000_000000000000000000000000000000');
await run('paddle.json', ['@paddle/paddle-node-sdk'], (v) => paddle.webhooks.isSignatureValid(v.body, v.secret, hdr(v, 'Paddle-Signature')));
// Razorpay
const Razorpay = require('razorpay');
await run('razorpay.json', ['razorpay'], (v) => Razorpay.validateWebhookSignature(v.body, hdr(v, 'X-Razorpay-Signature'), v.secret));
// SendGrid
const { EventWebhook } = require('@sendgrid/eventwebhook');
const ew = new EventWebhook();
await run('sendgrid.json', ['@sendgrid/eventwebhook'], (v) => ew.verifySignature(ew.convertPublicKeyToECDSA(v.public_key), v.body, hdr(v, 'X-Twilio-Email-Event-Webhook-Signature'), hdr(v, 'X-Twilio-Email-Event-Webhook-Timestamp')));
// WorkOS (the Node SDK signs JSON.stringify(payload): it is given the parsed body)
const { WorkOS } = require('@workos-inc/node');
const workos = new WorkOS('sk_test_0000000000000000');
await run('workos.json', ['@workos-inc/node'], (v) => workos.webhooks.verifyHeader({ payload: JSON.parse(v.body), sigHeader: hdr(v, 'WorkOS-Signature'), secret: v.secret }));
// Standard Webhooks v1 presets
const SW = require('standardwebhooks');
const SV = require('svix');
await run('standardwebhooks_presets.json', ['standardwebhooks', 'svix'], (v) => {
  const secret = v.secret.startsWith('v1,') ? v.secret.slice(3) : v.secret;
  if (hdr(v, 'svix-id')) return new SV.Webhook(secret).verify(v.body, v.headers);
  return new SW.Webhook(secret).verify(v.body, v.headers);
});
writeFileSync(join(HERE, 'crosscheck_node.json'), JSON.stringify(out, null, 2) + '\n');
