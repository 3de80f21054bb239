// Discord X-Signature-Ed25519 vectors, checked with discord-interactions' verifyKey.
//
// Install used:  mkdir -p /tmp/npm-vec && cd /tmp/npm-vec && npm install discord-interactions@4.4.0
// Run:           NODE_PATH=/tmp/npm-vec/node_modules node tests/data/providers/gen_discord.mjs
//
// SDK code read: discord-interactions dist/index.js verifyKey(rawBody, signature, timestamp, publicKey):
// message = UTF-8(timestamp) || body bytes; signature and public key are hex; WebCrypto Ed25519 verify;
// any exception -> false.  verifyKeyMiddleware answers type 1 (PING) with {"type":1} (Content-Type
// application/json); verifyWebhookEventMiddleware answers webhook-event type 0 (PING) with 204 and an
// empty body (and every other event with 204 too).  No timestamp check in the SDK.
// The SDK has no signer: signed with node:crypto Ed25519 (RFC 8032, deterministic) from a fixed seed.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { Recorder, require, pkgVersion, tamper, ok } from './_common.mjs';

const { verifyKey } = require('discord-interactions');
const r = new Recorder('discord', `discord-interactions (npm) ${pkgVersion('discord-interactions')}, verifyKey`, 'gen_discord.mjs');

function keyFromSeed(seedHex) {
  // PKCS#8 prefix for an Ed25519 private key, then the 32-byte seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pubHex = createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return { priv, pubHex };
}
const K = keyFromSeed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 test 1 seed
const O = keyFromSeed('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'); // RFC 8032 test 2 seed
const sig = (k, ts, body) => sign(null, Buffer.concat([Buffer.from(ts), Buffer.from(body)]), k.priv).toString('hex');

async function add(name, { pub = K.pubHex, ts, body, signature, valid, note, verifyBody, verifyTs }) {
  const vb = verifyBody ?? body, vt = verifyTs ?? ts;
  const res = await ok(() => verifyKey(vb, signature, vt, pub));
  r.add({ name, public_key: pub, method: 'POST', url: null,
    headers: { 'Content-Type': 'application/json', 'X-Signature-Ed25519': signature, 'X-Signature-Timestamp': vt },
    body: vb, now_unix: null, valid, note }, res);
}
const TS = '1767225600';
const PING = '{"application_id":"1234567890123456789","id":"1234567890123456790","token":"aW50ZXJhY3Rpb246dGVzdA","type":1,"user":{"id":"53908232506183680","username":"mason"},"version":1}';
const S = sig(K, TS, PING);
await add('interaction-ping', { ts: TS, body: PING, signature: S, valid: true,
  note: 'Interaction PING (type 1): after verification reply 200 {"type":1} application/json. Public key = RFC 8032 test 1 key.' });
await add('interaction-ping-tampered', { ts: TS, body: PING, signature: S, verifyBody: tamper(PING), valid: false, note: 'One body byte changed.' });
await add('interaction-ping-wrong-timestamp', { ts: TS, body: PING, signature: S, verifyTs: '1767225601', valid: false, note: 'The timestamp header is signed.' });
await add('interaction-ping-wrong-key', { pub: O.pubHex, ts: TS, body: PING, signature: S, valid: false, note: 'Verified with another application public key.' });
await add('interaction-ping-uppercase-hex-signature', { ts: TS, body: PING, signature: S.toUpperCase(), valid: true,
  note: 'The SDK parses hex with parseInt(.., 16): uppercase hex is accepted.' });
const bad = S.slice(0, -2) + (S.endsWith('00') ? '01' : '00');
await add('interaction-bad-signature-probe', { ts: TS, body: PING, signature: bad, valid: false,
  note: 'Discord probes a newly saved endpoint with invalid signatures: the endpoint must answer 401.' });
const CMD = '{"application_id":"1234567890123456789","data":{"id":"1","name":"ping","type":1},"guild_id":"1","id":"2","token":"t","type":2,"version":1}';
await add('interaction-application-command', { ts: TS, body: CMD, signature: sig(K, TS, CMD), valid: true, note: 'APPLICATION_COMMAND (type 2).' });
const EVPING = '{"version":1,"application_id":"1234567890123456789","type":0}';
await add('webhook-event-ping', { ts: TS, body: EVPING, signature: sig(K, TS, EVPING), valid: true,
  note: 'Webhook Events PING (type 0): reply 204 with an empty body (verifyWebhookEventMiddleware).' });
const EV = '{"version":1,"application_id":"1234567890123456789","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2026-01-01T00:00:00.000000+00:00","data":{"integration_type":0,"scopes":["applications.commands"],"user":{"id":"1"}}}}';
await add('webhook-event-application-authorized', { ts: TS, body: EV, signature: sig(K, TS, EV), valid: true,
  note: 'Webhook event (type 1, APPLICATION_AUTHORIZED): reply 204.' });
await add('stale-timestamp-sdk-accepts', { ts: '1000000000', body: PING, signature: sig(K, '1000000000', PING), valid: true,
  note: 'The SDK does not check the timestamp at all: a 2001 timestamp verifies. Any replay window is the receiver\'s choice (implementation-defined).' });
r.write();
