// Mux Mux-Signature vectors, checked with @mux/mux-node's webhooks.verifySignature.
//
// Install used:  cd /tmp/npm-vec && npm install @mux/mux-node@15.3.0
// Run:           NODE_PATH=/tmp/npm-vec/node_modules node tests/data/providers/gen_mux.mjs
//
// SDK code read: @mux/mux-node resources/webhooks/webhooks.js: header mux-signature; parseHeader splits
// on ',' then '=' (no trimming); t = parseInt(..); every v1 collected; expected = hex HMAC-SHA256(secret
// as typed, `${t}.${body}`) where t is the PARSED integer; timing-safe compare against each v1; then
// rejects only if now - t > 300 s (future timestamps pass).  No signer: signed with node:crypto here.
import { createHmac } from 'node:crypto';
import { Recorder, require, pkgVersion, tamper, ok, freeze, unfreeze, NOW } from './_common.mjs';

const Mux = require('@mux/mux-node').default ?? require('@mux/mux-node');
const mux = new Mux({ tokenId: 'x', tokenSecret: 'y', webhookSecret: null });
const r = new Recorder('mux', `@mux/mux-node (npm) ${pkgVersion('@mux/mux-node')}, client.webhooks.verifySignature (clock frozen)`, 'gen_mux.mjs');
const SEC = 'mux_webhook_signing_secret_0123456789abcdef';
const OLD = 'mux_old_signing_secret';
const h = (s, t, b) => createHmac('sha256', s).update(`${t}.${b}`).digest('hex');

async function add(name, { header, body, valid, note, secret = SEC, now = NOW }) {
  freeze(now);
  const res = await ok(() => mux.webhooks.verifySignature(body, { 'mux-signature': header }, secret));
  unfreeze();
  r.add({ name, secret, method: 'POST', url: null, headers: { 'Content-Type': 'application/json', 'Mux-Signature': header },
    body, now_unix: now, valid, note }, res);
}
const B = '{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"},"id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Production","id":"j0863n"},"data":{"status":"ready"},"created_at":"2026-01-01T00:00:00.000000Z","attempts":[],"accessor_source":null,"accessor":null,"request_id":null}';
const T = NOW - 4;
const S = h(SEC, T, B);
await add('basic', { header: `t=${T},v1=${S}`, body: B, valid: true, note: 't = unix s; hex HMAC-SHA256 over "{t}.{body}".' });
await add('tampered-body', { header: `t=${T},v1=${S}`, body: tamper(B), valid: false, note: 'One body byte changed.' });
await add('wrong-secret', { header: `t=${T},v1=${S}`, body: B, secret: 'other', valid: false, note: 'Another secret.' });
await add('two-v1-second-matches', { header: `t=${T},v1=${h(OLD, T, B)},v1=${S}`, body: B, valid: true, note: 'Two v1 (rotation): any may match.' });
await add('two-v1-first-matches', { header: `t=${T},v1=${S},v1=${h(OLD, T, B)}`, body: B, valid: true, note: 'Two v1, the first matches.' });
await add('two-v1-neither', { header: `t=${T},v1=${h(OLD, T, B)},v1=${h('x', T, B)}`, body: B, valid: false, note: 'Two v1, none matches.' });
await add('stale-301s', { header: `t=${NOW - 301},v1=${h(SEC, NOW - 301, B)}`, body: B, valid: false, note: '301 s old: past the SDK\'s 300 s.' });
await add('old-300s', { header: `t=${NOW - 300},v1=${h(SEC, NOW - 300, B)}`, body: B, valid: true, note: 'Exactly 300 s old: the SDK rejects only age > 300.' });
await add('future-1h-sdk-accepts', { header: `t=${NOW + 3600},v1=${h(SEC, NOW + 3600, B)}`, body: B, valid: true,
  note: 'SDK quirk: only staleness is checked; a timestamp one hour ahead passes (implementation-defined; hooksig\'s two-sided window would reject).' });
await add('space-after-comma-sdk-rejects', { header: `t=${T}, v1=${S}`, body: B, valid: false,
  note: 'The SDK does not trim: " v1" is not "v1", so no signature is found. Mux sends no space. Implementation-defined.' });
await add('unknown-scheme-ignored', { header: `t=${T},v0=deadbeef,v1=${S}`, body: B, valid: true, note: 'Entries other than t and v1 are ignored.' });
r.write();
