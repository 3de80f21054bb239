#!/usr/bin/env bash
# Instructions per request for each adapter and its by-hand baseline in
# `benches/adapters.rs`, under callgrind: deterministic where wall time on a
# shared machine is not. Each side runs twice (2000 and 1000 requests) and
# the difference, divided by 1000, is one request with start-up cancelled.
#
#   bash benches/count_adapters.sh [framework:dedup …]   (default: all six pairs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
bin=$(cargo bench --bench adapters --no-run --message-format=json -q 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "adapters" and m.get("executable"):
        print(m["executable"])')
ir() { ADAPTERS_COUNT="$1" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --bench 2>&1 | sed -n 's/.*Collected : //p' | tail -1; }
pairs=("$@")
[[ ${#pairs[@]} -gt 0 ]] || pairs=(tower:false axum:false actix:false tower:true axum:true actix:true)
printf '%-14s %10s %10s %10s\n' pair by_hand adapter difference
for pair in "${pairs[@]}"; do
    row=()
    for which in by_hand adapter; do
        a=$(ir "$pair:$which:2000")
        b=$(ir "$pair:$which:1000")
        row+=($(( (a - b) / 1000 )))
    done
    printf '%-14s %10s %10s %+10d\n' "$pair" "${row[@]}" $(( row[1] - row[0] ))
done
