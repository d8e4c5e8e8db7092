#!/usr/bin/env bash
# megasim transfer throughput over loopback with plain curl, side by side with a trivial
# baseline server (bench/sink.py) driven by the very same curl commands in the same run:
#   - single-stream upload: one `curl -X POST -T file <url>/0` of the whole file;
#   - parallel upload the way MEGA clients do it: N curls at once, each POSTing one contiguous
#     piece with -T to <url>/<offset>; aggregate = total bytes / wall-clock of the whole set;
#   - download: one `curl -o /dev/null` GET of the whole file.
# Baselines: "sink" reads the body and discards it (curl's own ceiling); "sink+pwrite" also
# pwrites it into a file in the same directory as megasim's blobs (the I/O megasim must do);
# downloads are compared with the sink serving the same file by read + send.
# Runs are interleaved (baseline, megasim, baseline, ...) RUNS times; medians are printed.
# MB/s = 10^6 bytes per second.
# Also prints each server's CPU time per GiB (median), which load on the machine barely moves.
#   BENCH_TMP=/dev/shm RUNS=3 PIECES=8 [MEGASIM=binary] bench/megasim-transfer.sh [SIZE_BYTES]
# (default 1 GiB; MEGASIM: use that megasim binary instead of building this tree's)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
RUNS=${RUNS:-3}
PIECES=${PIECES:-8}
if [ -n "${MEGASIM:-}" ]; then
  BIN=$MEGASIM # another build, e.g. an older commit's, for before/after comparisons
else
  cargo build --release --bin megasim >/dev/null 2>&1 || cargo build --release --bin megasim
  BIN=target/release/megasim
fi
SINK="python3 bench/sink.py"
DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/megasim-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

wait_for() { # file pattern
  for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for $2 in $1" >&2
  exit 1
}

# A terabyte of quota: RUNS rounds of 1 GiB uploads would fill the free plan's 20 GiB.
$BIN user add bench@example.com bench-password --data "$DIR/data" --storage 1T >/dev/null
$BIN serve --data "$DIR/data" >"$DIR/serve.out" &
MEGASIM_PID=$!
PIDS+=($!)
mkdir "$DIR/sink" "$DIR/store"
$SINK --serve "$DIR/sink" >"$DIR/sink.out" &
SINK_PID=$!
PIDS+=($!)
$SINK --store "$DIR/store" >"$DIR/store.out" &
STORE_PID=$!
PIDS+=($!)
wait_for "$DIR/serve.out" listening
wait_for "$DIR/sink.out" port
wait_for "$DIR/store.out" port
URL=$(cat "$DIR/data/megasim.url")
SINK_URL="http://127.0.0.1:$(awk '{print $2}' "$DIR/sink.out")/up"
STORE_URL="http://127.0.0.1:$(awk '{print $2}' "$DIR/store.out")/up"
SID=$($BIN user session bench@example.com bench-password --data "$DIR/data")
cs() { curl -sS -X POST "${URL}cs?id=$RANDOM$RANDOM&sid=$SID" --data-binary "$1"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
new_url() { cs "[{\"a\":\"u\",\"s\":$SIZE}]" | field p; }

head -c "$SIZE" /dev/urandom >"$DIR/file"
ln "$DIR/file" "$DIR/sink/file"
PIECE=$(((SIZE + PIECES - 1) / PIECES))
split -a 3 -d -b "$PIECE" "$DIR/file" "$DIR/piece."
ROOT=$(cs '[{"a":"f","c":1}]' | sed -n 's/^\[{"f":\[{"h":"\([^"]*\)".*/\1/p')
BLOBS="$DIR/data/blobs"

# One upload; prints seconds. $1: base URL; $2: "single" or "parallel"; $3: file the body
# (a completion token for megasim) of the last answer goes to.
upload() {
  if [ "$2" = single ]; then
    curl -sS -o "$3" -w '%{time_total}' -X POST -T "$DIR/file" "$1/0"
    return
  fi
  local t0 t1 i=0 off=0 pids=()
  t0=$(date +%s.%N)
  for p in "$DIR"/piece.*; do
    curl -sS -o "$3.$i" -X POST -T "$p" "$1/$off" &
    pids+=($!)
    off=$((off + $(stat -c %s "$p")))
    i=$((i + 1))
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(date +%s.%N)
  cat "$3".* >"$3"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }'
}

# CPU time (user + system, clock ticks) a server process has used so far: unlike MB/s it
# hardly depends on what else the machine is doing.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# A megasim upload into a fresh URL, checked: exactly one completion token came back and the
# stored blob equals the file. Keeps the blob of the first one (it becomes the node that is
# downloaded), removes the others.
KEEP=
declare -A T
add() { T[$1]="${T[$1]:-} $2"; }
megasim_upload() {
  local before after t token blob c0 url
  before=$(ls "$BLOBS")
  url=$(new_url)
  c0=$(cpu "$MEGASIM_PID")
  t=$(upload "$url" "$1" "$DIR/answer")
  add "$1.megasim.cpu" $(($(cpu "$MEGASIM_PID") - c0))
  token=$(cat "$DIR/answer")
  [ ${#token} -eq 36 ] || { echo "$1 upload did not complete: '$token'" >&2; exit 1; }
  after=$(ls "$BLOBS")
  blob=$(comm -13 <(echo "$before") <(echo "$after"))
  cmp -s "$DIR/file" "$BLOBS/$blob" || { echo "$1 upload stored different bytes" >&2; exit 1; }
  if [ -z "$KEEP" ]; then KEEP=$token; else rm -f "$BLOBS/$blob"; fi
  rm -f "$DIR"/answer*
  add "$1.megasim" "$t"
}

sink_upload() { # url mode name pid
  local t c0
  c0=$(cpu "$4")
  t=$(upload "$1" "$2" "$DIR/answer")
  add "$2.$3.cpu" $(($(cpu "$4") - c0))
  rm -f "$DIR"/answer* "$DIR"/store/up
  add "$2.$3" "$t"
}

for r in $(seq 1 "$RUNS"); do
  for mode in single parallel; do
    sink_upload "$SINK_URL" "$mode" sink "$SINK_PID"
    sink_upload "$STORE_URL" "$mode" store "$STORE_PID"
    megasim_upload "$mode"
  done
  echo "run $r of $RUNS done" >&2
done

KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
NODE=$(cs "[{\"a\":\"p\",\"t\":\"$ROOT\",\"n\":[{\"h\":\"$KEEP\",\"t\":0,\"a\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"k\":\"$KEY\"}]}]" |
  sed -n 's/^\[{"f":\[{"h":"\([^"]*\)".*/\1/p')
DL=$(cs "[{\"a\":\"g\",\"g\":1,\"n\":\"$NODE\"}]" | field g)
curl -sS "$DL" | cmp -s "$DIR/file" - || { echo "downloaded bytes differ" >&2; exit 1; }
SINK_DL="http://127.0.0.1:$(awk '{print $2}' "$DIR/sink.out")/file"
download() { # url name pid
  local c0
  c0=$(cpu "$3")
  add "down.$2" "$(curl -sS -o /dev/null -w '%{time_total}' "$1")"
  add "down.$2.cpu" $(($(cpu "$3") - c0))
}
for r in $(seq 1 "$RUNS"); do
  download "$SINK_DL" sink "$SINK_PID"
  download "$DL" megasim "$MEGASIM_PID"
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A M
for k in "${!T[@]}"; do M[$k]=$(echo "${T[$k]}" | median); done

echo "size: $SIZE bytes, $PIECES pieces of $PIECE for parallel, median of $RUNS runs"
echo "MB/s: megasim, then the baseline; ratio = megasim / baseline; then each server's CPU time"
TICK=$(getconf CLK_TCK)
line() { # label key baseline-key baseline-label
  awk -v l="$1" -v s="$SIZE" -v m="${M[$2]}" -v b="${M[$3]}" -v bl="$4" \
    -v mc="${M[$2.cpu]}" -v bc="${M[$3.cpu]}" -v tick="$TICK" 'BEGIN {
    g = s / 1073741824 * tick / 1000
    printf "%-40s %5.0f  %-11s %5.0f  ratio %.2f | server CPU ms/GiB %5.0f vs %5.0f\n",
      l, s / m / 1e6, bl, s / b / 1e6, b / m, mc / g, bc / g }'
}
line "upload, single curl -T, megasim" single.megasim single.sink "sink"
line "upload, single curl -T, megasim" single.megasim single.store "sink+pwrite"
line "upload, $PIECES parallel curl -T, megasim" parallel.megasim parallel.sink "sink"
line "upload, $PIECES parallel curl -T, megasim" parallel.megasim parallel.store "sink+pwrite"
line "download, curl -o /dev/null, megasim" down.megasim down.sink "sink"
