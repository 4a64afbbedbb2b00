#!/usr/bin/env bash
# Runs one cargo-fuzz target for a number of seconds: scripts/fuzz.sh TARGET SECONDS [libFuzzer args]
#   TARGET: all (each in turn), policy (policy text → check, build, fmt), cib (CIB XML → lint, import),
#           edits (editor edit sequences → diagnostics, hover, completions, definition …)
# Works on the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags.
# Seeds come from examples/*.hapolicy and a sample of ../shared/corpus/pacemaker-cts (or
# $HAPOLICY_CORPUS); the growing corpus is kept in fuzz/corpus/TARGET, crashes in fuzz/artifacts.
# SANITIZER=none skips AddressSanitizer (faster; the code is unsafe-free, so ASan mostly adds
# leak and stack-overflow reports, which libFuzzer reports on its own anyway).
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh policy|cib|edits SECONDS [libFuzzer args]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2
if [ "$target" = all ]; then
  # The short run for CI: each target in turn (the first build takes several minutes).
  for t in policy cib edits; do "$0" "$t" "$seconds" "$@"; done
  exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
corpus_dir=${HAPOLICY_CORPUS:-$root/../shared/corpus/pacemaker-cts}
[ -d "$corpus_dir" ] || corpus_dir=/work/shared/corpus/pacemaker-cts
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz --version 0.13.2

seeds=$root/fuzz/seeds/$target
rm -rf "$seeds" && mkdir -p "$seeds" "$root/fuzz/corpus/$target"
case $target in
  policy | edits)
    cp "$root"/examples/*.hapolicy "$seeds"/
    cp "$root"/tests/fixtures/checks/*.hapolicy "$seeds"/ 2>/dev/null || true
    if [ "$target" = edits ]; then
      # An edit session: the example, then edits (0xFF, two offset bytes, delete count, text).
      for f in "$root"/examples/*.hapolicy; do
        { cat "$f"; printf '\xff\x10\x00\x03op monitor'; printf '\xff\x40\x01\x00}'; printf '\xff\x00\x00\x20'; } >"$seeds/edit-$(basename "$f")"
      done
    fi
    ;;
  cib)
    # Every 10th corpus CIB (60 files) keeps the seed set small and varied.
    if [ -d "$corpus_dir" ]; then
      ls "$corpus_dir"/*.xml | awk 'NR % 10 == 1' | while read -r f; do cp "$f" "$seeds"/; done
    fi
    cp "$root"/tests/fixtures/reliability/*.xml "$seeds"/ 2>/dev/null || true
    ;;
  *) echo "unknown target $target (policy, cib, edits)" >&2; exit 2 ;;
esac

# policy and cib keep one database for the whole run, and salsa keeps interned values for the
# database's lifetime by design: LeakSanitizer's per-input check would report that as a leak.
leaks=()
[ "$target" = edits ] || leaks=(-detect_leaks=0)
sanitizer=()
[ "${SANITIZER:-}" = none ] && sanitizer=(--sanitizer none)
cd "$root/fuzz"
RUSTC_BOOTSTRAP=1 exec cargo fuzz run "${sanitizer[@]}" "$target" "$root/fuzz/corpus/$target" "$seeds" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 "${leaks[@]}" "$@"
