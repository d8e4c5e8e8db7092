#!/usr/bin/env bash
# Sync figures against megasim on loopback (release build, data on /dev/shm), in one run:
#  1. first sync of N files of 4 KiB (default 10 000) up, as files/s, next to `put -c` of the
#     same tree; and down into an empty folder, next to `get` of it;
#  2. a no-change pass over M synced files (default 100 000): `sync --once` wall time and peak
#     RSS (the process starts, catches up, scans both sides, compares, finds nothing to do);
#  3. the lag from a local write to the file being in the cloud, and from a megajs upload to
#     the file on disk, with `megash serve` running (median of 5 each), and the engine's RSS;
#  4. with ENGINE_N=K (e.g. 1000000): an engine holding K synced files of 16 bytes: the first
#     sync's rate, the peak RSS of a no-change pass and the engine's RSS between passes.
#   bench/sync.sh [N] [M]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
M=${2:-100000}
cargo build --release --bin megash --bin megasim >/dev/null 2>&1 || cargo build --release --bin megash --bin megasim
SIM=$PWD/target/release/megasim
MS=$PWD/target/release/megash
ROOT=$PWD
DIR=$(mktemp -d "${BENCH_TMP:-/dev/shm}/megash-sync.XXXXXX")
PID= SERVE=
cleanup() {
  [ -n "$SERVE" ] && kill "$SERVE" 2>/dev/null
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
EMAIL=bench@example.com PASS=bench-password
$SIM user add $EMAIL $PASS --data "$DIR/data" --storage 1T >/dev/null
$SIM serve --data "$DIR/data" >"$DIR/serve.out" 2>&1 &
PID=$!
for _ in $(seq 1 200); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
export MEGA_API_URL=$(cat "$DIR/data/megasim.url") HOME=$DIR MEGASH_HOME=$DIR/state
export MEGASH_SYNC_SETTLE_MS=0 MEGASH_RETRIES=0
$MS login $EMAIL $PASS >/dev/null
tree() { # DIR COUNT SIZE: COUNT files in folders of 100
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    sub = os.path.join(d, f"d{i // 100:04d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
}
secs() { python3 -c "import time; print(time.time())"; }
rate() { python3 -c "print(f'{$1/($3-$2):.0f}')"; }

if [ -z "${SKIP_BASIC:-}" ]; then
echo "== first sync of $N files of 4 KiB (files/s) =="
tree "$DIR/src" "$N" 4096
cp -r "$DIR/src" "$DIR/up"
$MS mkdir /put /up /down-src >/dev/null
t0=$(secs); $MS put -c "$DIR/src" /put/ >/dev/null 2>&1; t1=$(secs)
put=$(rate "$N" "$t0" "$t1")
$MS sync "$DIR/up" /up >/dev/null 2>&1
t0=$(secs); $MS sync --once >/dev/null 2>&1; t1=$(secs)
up=$(rate "$N" "$t0" "$t1")
mkdir -p "$DIR/get" "$DIR/down"
t0=$(secs); $MS get /put/src "$DIR/get/" >/dev/null 2>&1; t1=$(secs)
get=$(rate "$N" "$t0" "$t1")
$MS sync -d "$DIR/up" >/dev/null
$MS sync "$DIR/down" /put/src >/dev/null 2>&1
# The new sync's default .megaignore is one more local file; the rest comes down.
t0=$(secs); $MS sync --once >/dev/null 2>&1; t1=$(secs)
down=$(rate "$N" "$t0" "$t1")
diff -rq "$DIR/src" "$DIR/down" -x .megaignore -x .debris >/dev/null || { echo "down: files differ" >&2; exit 1; }
$MS sync -d "$DIR/down" >/dev/null
echo "put -c        $put"
echo "sync up       $up   ($(python3 -c "print(f'{$up/$put:.2f}')")x put -c)"
echo "get           $get"
echo "sync down     $down   ($(python3 -c "print(f'{$down/$get:.2f}')")x get)"

echo "== no-change pass over $M synced files =="
rm -rf "$DIR/src" "$DIR/up" "$DIR/get" "$DIR/down"
tree "$DIR/big" "$M" 16
$MS mkdir /big >/dev/null
$MS sync "$DIR/big" /big >/dev/null 2>&1
t0=$(secs); $MS sync --once >/dev/null 2>&1; t1=$(secs)
echo "first sync    $(rate "$M" "$t0" "$t1") files/s"
for i in 1 2 3; do
  /usr/bin/time -f "no-change pass: %e s wall, %U s user, %M KB peak RSS" $MS sync --once 2>&1 >/dev/null | tail -1
done
$MS sync -d "$DIR/big" >/dev/null
rm -rf "$DIR/big"

echo "== lag with megash serve running (median of 5, seconds) =="
mkdir -p "$DIR/lag"
$MS mkdir /lag >/dev/null
$MS sync "$DIR/lag" /lag >/dev/null 2>&1
$MS serve --log-file="$DIR/engine.log" &
SERVE=$!
sleep 2
lags_up=() lags_down=()
for i in 1 2 3 4 5; do
  t0=$(secs); echo "$i" >"$DIR/lag/up$i.txt"
  until $MS ls "/lag/up$i.txt" >/dev/null 2>&1; do sleep 0.02; done
  t1=$(secs); lags_up+=("$(python3 -c "print(f'{$t1-$t0:.2f}')")")
  t0=$(secs)
  OPS="[{\"op\":\"upload\",\"path\":\"lag/down$i.txt\",\"content\":\"$i\"}]" MEGASIM_URL=$MEGA_API_URL \
    MEGA_EMAIL=$EMAIL MEGA_PASSWORD=$PASS node "$ROOT/tests/interop/megajs_ops.mjs" >/dev/null
  t_up=$(secs)
  until [ -f "$DIR/lag/down$i.txt" ]; do sleep 0.02; done
  t1=$(secs); lags_down+=("$(python3 -c "print(f'{$t1-$t_up:.2f}')")")
done
med() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
echo "local write -> in the cloud:       $(med "${lags_up[@]}") s   (${lags_up[*]})"
echo "megajs upload done -> on the disk: $(med "${lags_down[@]}") s   (${lags_down[*]})"
echo "engine RSS: $(ps -o rss= -p "$SERVE") KB"
fi

if [ -n "${ENGINE_N:-}" ]; then
  if [ -n "$SERVE" ]; then
    kill "$SERVE" 2>/dev/null; wait "$SERVE" 2>/dev/null || true; SERVE=
    $MS sync -d "$DIR/lag" >/dev/null
  fi
  echo "== an engine holding $ENGINE_N synced files =="
  tree "$DIR/huge" "$ENGINE_N" 16
  $MS mkdir /huge >/dev/null
  $MS sync "$DIR/huge" /huge >/dev/null 2>&1
  t0=$(secs); rc=0
  /usr/bin/time -o "$DIR/first.time" -f "%M" $MS sync --once >/dev/null 2>"$DIR/first.err" || rc=$?
  t1=$(secs)
  echo "first sync    $(rate "$ENGINE_N" "$t0" "$t1") files/s, peak RSS $(cat "$DIR/first.time") KB, exit $rc"
  [ "$rc" = 0 ] || tail -3 "$DIR/first.err"
  /usr/bin/time -f "no-change pass: %e s wall, %U s user, %M KB peak RSS" $MS sync --once 2>&1 >/dev/null | tail -1
  $MS serve --log-file="$DIR/engine-huge.log" &
  SERVE=$!
  # The first pass runs at start; then the engine waits for changes.
  for _ in $(seq 1 600); do grep -q "engine: started" "$DIR/engine-huge.log" 2>/dev/null && break; sleep 0.1; done
  sleep 2
  for _ in $(seq 1 600); do
    [ "$($MS transfers --show-syncs | wc -l)" = 0 ] && break; sleep 1
  done
  sleep "${ENGINE_SETTLE:-60}"
  echo "engine between passes: $(ps -o rss= -p "$SERVE") KB RSS (peak $(grep VmHWM /proc/$SERVE/status | awk '{print $2}') KB)"
fi
