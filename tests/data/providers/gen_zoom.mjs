// Zoom x-zm-signature vectors, re-checked with Zoom's official Node SDK.
//
// Install used:  npm install --prefix /tmp/npm-zoom @zoom/rivet@0.4.0
// Run:           NODE_PATH=/tmp/npm-zoom/node_modules node tests/data/providers/gen_zoom.mjs
//
// SDK code read: @zoom/rivet users/users.cjs, CommonHttpRequest.isEventVerified (v0=hex
// HMAC-SHA256(secret token, `v0:${timestamp}:${JSON.stringify(payload)}`), compared with ===),
// processEvent (endpoint.url_validation answered with {plainToken, encryptedToken: hex
// HMAC-SHA256(secret token, plainToken)}), reached through the exported AwsLambdaReceiver: a
// verified event is answered 200, a refused one 400. The SDK re-serialises the parsed body, so it
// agrees with a raw-body check only for compact JSON (every vector here is); it checks no window.
//
// zoom.json is written by gen_hmac_stdlib.py (stdlib HMAC); this script re-verifies each of its
// vectors with the SDK, and rewrites the file with `sdk_checked` and the SDK in `source`. It exits
// non-zero if the SDK disagrees with a recorded verdict or a url-validation answer.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HERE, require, pkgVersion } from './_common.mjs';

const { AwsLambdaReceiver } = require('@zoom/rivet/users');
console.debug = () => {}; // the receiver logs every event
const file = join(HERE, 'zoom.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));
let failures = 0;
for (const v of doc.vectors) {
  const receiver = new AwsLambdaReceiver({ webhooksSecretToken: v.secret });
  receiver.init({ eventEmitter: { emit: async () => {} } });
  // A body that is not JSON is refused by the SDK before any MAC (400).
  let compact = true;
  try { compact = JSON.stringify(JSON.parse(v.body)) === v.body; } catch { compact = true; }
  const answer = await receiver.start()({ body: v.body, headers: v.headers, isBase64Encoded: false }, {});
  const accepted = answer.statusCode === 200;
  v.sdk_checked = compact;
  if (!compact) continue;
  if (accepted !== v.valid) { failures++; console.log(`FAIL zoom/${v.name}: SDK says ${accepted}, recorded valid=${v.valid}`); }
  if (v.expected_response && accepted) {
    const got = JSON.parse(answer.body);
    const want = v.expected_response.json;
    if (got.plainToken !== want.plainToken || got.encryptedToken !== want.encryptedToken) {
      failures++; console.log(`FAIL zoom/${v.name}: SDK answers ${answer.body}`);
    }
  }
}
const sdk = `@zoom/rivet (npm) ${pkgVersion('@zoom/rivet')} AwsLambdaReceiver (isEventVerified, url_validation answer)`;
if (!doc.source.includes('@zoom/rivet')) doc.source = `${doc.source.replace('; no official verifier installs here', '')}; re-verified with ${sdk} by gen_zoom.mjs`;
writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
console.log(`zoom: ${doc.vectors.length} vectors re-verified with ${sdk}, ${failures} disagreements`);
if (failures) process.exitCode = 1;
