#!/usr/bin/env bash
# Instructions per verification for the rows of `benches/providers.rs`,
# under callgrind: deterministic where wall time on a shared machine is
# not. Each row runs twice (2000 and 1000 verifications) and the
# difference, divided by 1000, is one verification with start-up cancelled.
#
#   bash benches/count.sh [provider …]      (default: the webhook-verify senders)
#
# Callgrind runs SHA-1/SHA-256 in software (no SHA extensions), so the
# hashing weighs more in these counts than in wall time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
bin=$(cargo bench --bench providers --all-features --no-run --message-format=json -q 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "providers" and m.get("executable"):
        print(m["executable"])')
ir() { PROVIDERS_COUNT="$1" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" 2>&1 | sed -n 's/.*Collected : //p'; }
providers=("$@")
[[ ${#providers[@]} -gt 0 ]] || providers=(discord twilio square zoom dropbox slack stripe shopify linear standard-webhooks github)
printf '%-18s %10s %10s %15s\n' provider hooksig floor webhook_verify
for p in "${providers[@]}"; do
    row=()
    for which in hooksig floor webhook_verify; do
        a=$(ir "$p:$which:2000" || true)
        b=$(ir "$p:$which:1000" || true)
        if [[ -n "$a" && -n "$b" ]]; then row+=($(( (a - b) / 1000 ))); else row+=(—); fi
    done
    printf '%-18s %10s %10s %15s\n' "$p" "${row[@]}"
done
