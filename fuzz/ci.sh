#!/usr/bin/env bash
# Fuzzes every target for a bounded time; fails on any crash and prints the
# crashing input. Usage (from anywhere):
#
#   bash fuzz/ci.sh                 # every target, FUZZ_SECONDS each
#   bash fuzz/ci.sh roundtrip ...   # only the named targets
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 40; 9 targets = 6 min,
#                   plus the build: under 10 minutes in all)
#   FUZZ_SANITIZER  address (default) or none
#   FUZZ_TOOLCHAIN  auto (default: nightly if rustup has one), nightly, or
#                   stable (the default toolchain with RUSTC_BOOTSTRAP=1)
#   CARGO_TARGET_DIR  if set, the fuzz build goes to $CARGO_TARGET_DIR/fuzz
#
# Toolchain: cargo-fuzz needs nightly-only rustc flags (-Zsanitizer,
# -Cpasses=sancov-module). With a rustup nightly installed it is used;
# otherwise the stable compiler is run with RUSTC_BOOTSTRAP=1, which
# unlocks those flags (fine for CI, never for shipping code).
#
# The committed corpus (fuzz/corpus/<target>/) is only read: new inputs go to
# a temporary directory, so a CI run leaves the tree clean.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${FUZZ_SECONDS:-40}"
sanitizer="${FUZZ_SANITIZER:-address}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

toolchain=()
want="${FUZZ_TOOLCHAIN:-auto}"
if [[ "$want" == nightly ]] || { [[ "$want" == auto ]] && command -v rustup >/dev/null 2>&1 &&
    rustup toolchain list 2>/dev/null | grep -q '^nightly'; }; then
    toolchain=(+nightly)
    echo "== using the nightly toolchain ($(rustc +nightly --version))"
else
    export RUSTC_BOOTSTRAP=1
    echo "== using $(rustc --version) with RUSTC_BOOTSTRAP=1"
fi

# Optimized, with debug assertions and overflow checks.
flags=(--release --debug-assertions --sanitizer "$sanitizer")
if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    flags+=(--target-dir "$CARGO_TARGET_DIR/fuzz")
fi

if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building ${#targets[@]} targets"
cargo "${toolchain[@]}" fuzz build "${flags[@]}"

failed=()
summary=()
for target in "${targets[@]}"; do
    echo "== fuzzing $target for ${seconds}s"
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
    log="$work/$target.log"
    status=0
    # The first corpus directory receives new inputs; the committed one
    # after it is only read.
    cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$target" \
        "$work/corpus/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$target/" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    summary+=("$(printf '%-26s %12s runs %8s exec/s' "$target" "${runs:-?}" "${rate:-?}")")
    artifacts=("$work/artifacts/$target"/*)
    if [[ $status -ne 0 || -e "${artifacts[0]}" ]]; then
        failed+=("$target")
        echo "!! $target failed (exit $status); libFuzzer's report:"
        grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|INITED)' "$log" | tail -60
        for artifact in "${artifacts[@]}"; do
            [[ -e "$artifact" ]] || continue
            echo "!! crashing input $(basename "$artifact") ($(wc -c <"$artifact") bytes):"
            od -A x -t x1z -v "$artifact" | head -64
            echo "!! base64: $(base64 -w0 "$artifact")"
            echo "!! reproduce: cargo fuzz run $target <file>, or save it under fuzz/corpus/$target/ and run cargo test --manifest-path fuzz/Cargo.toml --no-default-features --test corpus"
        done
    fi
done

echo "== summary (${seconds}s per target, sanitizer $sanitizer)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "!! failing targets: ${failed[*]}"
    exit 1
fi
echo "== no crashes"
