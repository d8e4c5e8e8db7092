#!/usr/bin/env bash
# Instructions, not seconds: a first login of NODES nodes (default 100 000) and a warm one-shot
# `mega-ls /folder-0000001` under valgrind's callgrind, for this build and, with BASELINE=PATH,
# for another megash binary beside it, with the ratio. Instruction counts stay within about a
# thousandth of a percent run after run whatever the shared machine is doing, so a change is
# measurable where wall-clock figures move by 5-10 % (CPU-seconds at full scale:
# bench/cache-scale.sh).
# Needs valgrind (apt install valgrind).
#   [BASELINE=/path/to/old/megash] bench/instructions.sh [NODES]
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-100000}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
cargo build --release --bins >/dev/null 2>&1 || cargo build --release --bins
SIM=$PWD/target/release/megasim
DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/megash-instr.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
cp target/release/megash "$DIR/megash-now"
BINS=(now)
if [ -n "${BASELINE:-}" ]; then cp "$BASELINE" "$DIR/megash-baseline"; BINS+=(baseline); fi

EMAIL=instr@example.com
"$SIM" user add "$EMAIL" pw --data "$DIR/data" >/dev/null
"$SIM" seed --nodes "$NODES" --data "$DIR/data" "$EMAIL" pw >/dev/null
"$SIM" serve --data "$DIR/data" --listen 127.0.0.1:0 >"$DIR/serve.out" &
PID=$!
for _ in $(seq 1 400); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
export MEGA_API_URL=$(sed -n 's/^megasim listening on //p' "$DIR/serve.out") MEGASH_RETRIES=0

# count NAME CMD...: instructions of CMD under callgrind (the program's own, all threads).
count() {
  local out=$DIR/cg.$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$DIR/cg.err" \
    || { cat "$DIR/cg.err" >&2; exit 1; }
  sed -n 's/^summary: //p' "$out"
}
declare -A LOGIN LS
for b in "${BINS[@]}"; do
  export MEGASH_HOME=$DIR/home-$b
  LOGIN[$b]=$(count "login-$b" "$DIR/megash-$b" login "$EMAIL" pw)
  mkdir -p "$DIR/bin-$b" && ln -sf "$DIR/megash-$b" "$DIR/bin-$b/mega-ls"
  "$DIR/bin-$b/mega-ls" /folder-0000001 >/dev/null
  LS[$b]=$(count "ls-$b" "$DIR/bin-$b/mega-ls" /folder-0000001)
done
printf '%-44s %15s' "instructions, $NODES nodes" "this build"
[ -n "${BASELINE:-}" ] && printf ' %15s %7s' baseline ratio
echo
for what in login ls; do
  label="first login (password, fetch, cache)"; [ "$what" = ls ] && label="warm one-shot mega-ls /folder-0000001"
  declare -n m=${what^^}
  printf '%-44s %15s' "$label" "${m[now]}"
  [ -n "${BASELINE:-}" ] && printf ' %15s %7s' "${m[baseline]}" \
    "$(awk -v a="${m[now]}" -v b="${m[baseline]}" 'BEGIN { printf "%.3f", a / b }')"
  echo
done
