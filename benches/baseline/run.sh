#!/usr/bin/env bash
# Measures the scheme engine against the code before it, side by side in
# one criterion run: builds a throwaway crate that depends on this checkout
# as `hooksig` and on the baseline commit (default d38a38f, the last commit
# before the engine) renamed `hooksig-baseline`, and runs bench.rs there.
#
#   bash benches/baseline/run.sh [criterion filter]     (BASELINE_REV=<rev> to change it)
#   COUNT=1 bash benches/baseline/run.sh                instructions per verify (callgrind)
#   RACE=1 bash benches/baseline/run.sh                 interleaved rounds in one process
#
# Nothing is written into the repository; the crate lives in a temp dir.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rev="${BASELINE_REV:-d38a38f}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$rev" src Cargo.toml README.md CHANGELOG.md | tar -x -C "$work" --one-top-level=baseline
# The baseline as a plain library: renamed, without its dev-dependencies,
# benches, examples or internal fuzzing feature.
python3 - "$work/baseline/Cargo.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text = text.replace('name = "hooksig"', 'name = "hooksig-baseline"', 1)
text = re.sub(r'\n\[dev-dependencies\].*?(?=\n\[(?!dev-dependencies))', '\n', text, flags=re.S)
text = re.sub(r'\n\[\[(bench|example)\]\]\n(?:[^\n]+\n)*', '\n', text)
open(path, 'w').write(text)
PY

mkdir -p "$work/bench/benches"
cp "$root/benches/baseline/bench.rs" "$work/bench/benches/baseline.rs"
mkdir -p "$work/bench/examples"
cp "$root/benches/baseline/count.rs" "$work/bench/examples/count.rs"
cat > "$work/bench/Cargo.toml" <<TOML
[package]
name = "hooksig-baseline-bench"
version = "0.0.0"
edition = "2021"
publish = false

[dev-dependencies]
hooksig = { path = "$root" }
hooksig-baseline = { path = "$work/baseline" }
criterion = { version = "0.8", default-features = false }

[[bench]]
name = "baseline"
harness = false

[workspace]
TOML
cd "$work/bench"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/baseline}"
if [[ "${COUNT:-0}" == 1 ]]; then
    # Instructions per verify under callgrind: deterministic where wall
    # time is not (a loaded machine). (N2 - N1) runs cancel start-up.
    command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
    cargo build --release --example count -q
    bin="$CARGO_TARGET_DIR/release/examples/count"
    ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 | sed -n 's/.*Collected : //p'; }
    printf '%-10s %6s %12s %12s %8s\n' provider size engine baseline ratio
    for provider in github stripe slack standard linear shopify; do
        for size in 64 1024; do
            e=$(( ($(ir "$provider" "$size" engine 2000) - $(ir "$provider" "$size" engine 1000)) / 1000 ))
            b=$(( ($(ir "$provider" "$size" baseline 2000) - $(ir "$provider" "$size" baseline 1000)) / 1000 ))
            printf '%-10s %6s %12s %12s %8s\n' "$provider" "$size" "$e" "$b" "$(python3 -c "print(f'{$e/$b:.3f}')")"
        done
    done
    exit 0
fi
if [[ "${RACE:-0}" == 1 ]]; then
    # Interleaved rounds in one process (`count race`): the engine and the
    # baseline alternate, so drift on a shared machine falls on both.
    cargo build --release --example count -q
    bin="$CARGO_TARGET_DIR/release/examples/count"
    for provider in github stripe slack standard linear shopify; do
        for size in 64 1024; do
            printf '%-10s %6s  ' "$provider" "$size"
            "$bin" "$provider" "$size" race "${ROUNDS:-200}"
        done
    done
    exit 0
fi
cargo bench --bench baseline -- "$@"
