#!/usr/bin/env bash
# Transfer throughput of megash against megasim on loopback (release build, data on /dev/shm):
# `put` and `get` of one file (default 1 GiB) with the default connections and with one,
# client CPU-seconds per GiB and peak RSS (from /usr/bin/time), printed beside the raw loopback
# speed of the same bytes with curl against megasim's transfer URLs and the speed of the crypto
# alone (examples/transfer_crypto.rs), all from the same run. With RUNS=N every measurement is
# taken N times, interleaved (so load on a shared machine hits all alike), and medians printed.
#   RUNS=3 bench/transfer.sh [SIZE_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
RUNS=${RUNS:-1}
# Two builds: an example pulls in dev-dependencies, whose features would change the binaries.
for what in "--bin megash --bin megasim" "--example transfer_crypto"; do
  cargo build --release $what >/dev/null 2>&1 || cargo build --release $what
done
SIM=$PWD/target/release/megasim
MEGASH=$PWD/target/release/megash
DIR=$(mktemp -d "${BENCH_TMP:-/dev/shm}/megash-bench.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

EMAIL=bench@example.com PASS=bench-password
# A terabyte of quota: RUNS rounds of 1 GiB uploads would fill the free plan's 20 GiB.
$SIM user add $EMAIL $PASS --data "$DIR/data" --storage 1T >/dev/null
$SIM serve --data "$DIR/data" >"$DIR/serve.out" &
PID=$!
for _ in $(seq 1 200); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
URL=$(cat "$DIR/data/megasim.url")
export MEGA_API_URL=$URL MEGASH_HOME=$DIR/state HOME=$DIR
$MEGASH login $EMAIL $PASS >/dev/null
head -c "$SIZE" /dev/urandom >"$DIR/file"
mkdir -p "$DIR/c8" "$DIR/c1"

# time_run LABEL CMD...: appends "LABEL|seconds|user|sys|rss-KB" to $DIR/figures
time_run() {
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$DIR/time" "$@" >/dev/null
  read -r el us sy rss <"$DIR/time"
  echo "$label|$el|$us|$sy|$rss" >>"$DIR/figures"
}

# The same bytes with curl on megasim's transfer URLs (no crypto, one connection): to
# /dev/null (the loopback's speed) and a POST of the file (the kernel work of `put` without
# the crypto); and dd writing the bytes into a new file beside the client's (the kernel's cost
# of the file `get` must write: curl itself writes in 16 KiB pieces, far slower).
SID=$($SIM user session $EMAIL $PASS --data "$DIR/data")
cs() { curl -sS -X POST "${URL}cs?id=$RANDOM$RANDOM&sid=$SID" --data-binary "$1"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

for run in $(seq 1 "$RUNS"); do
  time_run "put (8 connections)" $MEGASH put -c "$DIR/file" /c8-$run/
  MEGASH_CONNECTIONS=1 time_run "put (1 connection)" $MEGASH put -c "$DIR/file" /c1-$run/
  rm -f "$DIR/c8/file" "$DIR/c1/file"
  time_run "get (8 connections)" $MEGASH get /c8-$run/file "$DIR/c8/"
  MEGASH_CONNECTIONS=1 time_run "get (1 connection)" $MEGASH get /c1-$run/file "$DIR/c1/"
  cmp -s "$DIR/file" "$DIR/c8/file" && cmp -s "$DIR/file" "$DIR/c1/file" \
    || { echo "downloaded bytes differ" >&2; exit 1; }
  NODE=$($MEGASH ls --json /c8-$run/file | sed -n 's/.*"handle":"H:\([^"]*\)".*/\1/p' | head -1)
  DL=$(cs "[{\"a\":\"g\",\"g\":1,\"n\":\"$NODE\"}]" | field g)
  time_run "curl GET to /dev/null (no crypto)" curl -sS -o /dev/null "$DL/0-$((SIZE - 1))"
  # The baseline `get` is held to: the same bytes written into a new file beside the client's.
  time_run "curl GET into a file (no crypto)" curl -sS -o "$DIR/curl.out" "$DL/0-$((SIZE - 1))"
  rm -f "$DIR/curl.out"
  time_run "dd into a new file, 8 MiB writes" dd if="$DIR/file" of="$DIR/dd.out" bs=8M status=none
  rm -f "$DIR/dd.out"
  UL=$(cs "[{\"a\":\"u\",\"s\":$SIZE}]" | field p)
  time_run "curl POST -T (no crypto)" curl -sS -o /dev/null -X POST -T "$DIR/file" "$UL/0"
  # Keep megasim's storage from growing run after run.
  $MEGASH rm -r /c8-$run /c1-$run >/dev/null
done

# Medians per label, in first-seen order: MB/s, CPU-s/GiB (user + kernel), peak RSS.
CRYPTO=$(target/release/examples/transfer_crypto "$SIZE")
python3 - "$DIR/figures" "$SIZE" "$RUNS" "$CRYPTO" <<'PY'
import statistics, sys
rows, size, runs = {}, int(sys.argv[2]), sys.argv[3]
crypto = dict((l.split()[0], float(l.split()[1])) for l in sys.argv[4].splitlines() if l.strip())
for line in open(sys.argv[1]):
    label, el, us, sy, rss = line.rstrip("\n").split("|")
    rows.setdefault(label, []).append((float(el), float(us), float(sy), int(rss)))
g = 1073741824 / size
print(f"median of {runs} run(s), {size} bytes")
for label, v in rows.items():
    el, us, sy = (statistics.median(x[i] for x in v) for i in range(3))
    rss = max(x[3] for x in v)
    mbs = sorted(size / x[0] / 1e6 for x in v)
    spread = f" ({mbs[0]:.0f}-{mbs[-1]:.0f})" if len(v) > 1 else ""
    print(f"{label:<34} {size / el / 1e6:6.0f} MB/s{spread:<12} {(us + sy) * g:5.2f} CPU-s/GiB"
          f" (user {us * g:4.2f} + kernel {sy * g:4.2f}) {rss / 1024:4.0f} MB RSS")
for name, gbs in crypto.items():
    print(f"{name:<36} {gbs:6.2f} GB/s ({1.073741824 / gbs:4.2f} CPU-s/GiB)")
# The targets, as ratios taken round by round: get to curl writing the same file,
# put to curl's raw POST; get's CPU against curl's (same file) plus the CTR and MAC alone.
med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in rows.items()}
def ratio(a, b):
    # Per round (the two ran minutes apart at most), then the median and range of those.
    if a in rows and b in rows:
        r = sorted(y[0] / x[0] for x, y in zip(rows[a], rows[b]))
        spread = f" (rounds {r[0]:.2f}-{r[-1]:.2f})" if len(r) > 1 else ""
        print(f"ratio {a} / {b}: {statistics.median(r):.2f}x speed{spread}")
ratio("get (8 connections)", "curl GET into a file (no crypto)")
ratio("get (1 connection)", "curl GET into a file (no crypto)")
ratio("put (8 connections)", "curl POST -T (no crypto)")
ratio("put (1 connection)", "curl POST -T (no crypto)")
both = [v for k, v in crypto.items() if k == "crypto_ctr_plus_macs_gbps"]
if both and "get (8 connections)" in med:
    c = med["curl GET into a file (no crypto)"]
    bound = (c[1] + c[2]) * g + 1.073741824 / both[0]
    m = med["get (8 connections)"]
    print(f"get CPU {(m[1] + m[2]) * g:.2f} CPU-s/GiB against curl into a file + crypto alone {bound:.2f}")
PY
