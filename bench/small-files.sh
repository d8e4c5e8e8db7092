#!/usr/bin/env bash
# Many small files: `put -c` of a folder of N files (default 2000 of 4 KiB) and `get` of it
# back, against megasim on loopback (release build, data on /dev/shm), as files per second.
# With BASELINE=PATH (another megash binary, e.g. a copy of an older build) the same runs are
# made with it too, interleaved, and the ratios printed; RUNS=N repeats and takes medians.
#   RUNS=3 BASELINE=/tmp/megash-old bench/small-files.sh [N] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
SIZE=${2:-4096}
RUNS=${RUNS:-1}
cargo build --release --bin megash --bin megasim >/dev/null 2>&1 || cargo build --release --bin megash --bin megasim
SIM=$PWD/target/release/megasim
NEW=$PWD/target/release/megash
DIR=$(mktemp -d "${BENCH_TMP:-/dev/shm}/megash-small.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
EMAIL=bench@example.com PASS=bench-password
$SIM user add $EMAIL $PASS --data "$DIR/data" --storage 1T >/dev/null
$SIM serve --data "$DIR/data" >"$DIR/serve.out" 2>&1 &
PID=$!
for _ in $(seq 1 200); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
export MEGA_API_URL=$(cat "$DIR/data/megasim.url") HOME=$DIR
mkdir -p "$DIR/src"
python3 - "$DIR/src" "$N" "$SIZE" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
# rate LABEL BINARY CMD...: one timed run, appended as "LABEL files-per-second"
rate() {
  local label=$1 bin=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  MEGASH_HOME=$DIR/state-$(basename "$bin") "$bin" "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$label $(python3 -c "print(f'{$N/($t1-$t0):.0f}')")" >>"$DIR/figures"
}
bins=("$NEW")
[ -n "${BASELINE:-}" ] && bins+=("$BASELINE")
for b in "${bins[@]}"; do
  MEGASH_HOME=$DIR/state-$(basename "$b") "$b" login $EMAIL $PASS >/dev/null
done
for run in $(seq 1 "$RUNS"); do
  for b in "${bins[@]}"; do
    name=$(basename "$b")
    rate "put-$name" "$b" put -c "$DIR/src" "/$name-$run/"
    rm -rf "$DIR/back"; mkdir -p "$DIR/back"
    rate "get-$name" "$b" get "/$name-$run/src" "$DIR/back/"
    diff -rq "$DIR/src" "$DIR/back/src" >/dev/null || { echo "$name: files differ" >&2; exit 1; }
  done
done
python3 - "$DIR/figures" "$(basename "$NEW")" "$(basename "${BASELINE:-none}")" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    runs[k].append(float(v))
new, old = sys.argv[2], sys.argv[3]
for op in ("put", "get"):
    a = statistics.median(runs[f"{op}-{new}"])
    line = f"{op} of {len(runs[f'{op}-{new}'])}x small files: {a:.0f} files/s"
    if f"{op}-{old}" in runs:
        b = statistics.median(runs[f"{op}-{old}"])
        line += f"; baseline {b:.0f} files/s; ratio {a/b:.2f}"
    print(line)
PY
