#!/usr/bin/env bash
# megasim transfer throughput over loopback with plain curl: one 1 GiB upload POST (streamed by curl -T) to the
# upload URL, then one GET of the download URL. Prints MB/s (10^6 bytes per second).
#   bench/megasim-transfer.sh [SIZE_BYTES]        (default 1 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
cargo build --release --bin megasim >/dev/null 2>&1 || cargo build --release --bin megasim
BIN=target/release/megasim
DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/megasim-bench.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

$BIN user add bench@example.com bench-password --data "$DIR/data" >/dev/null
$BIN serve --data "$DIR/data" >"$DIR/serve.out" &
PID=$!
for _ in $(seq 1 200); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
URL=$(cat "$DIR/data/megasim.url")
SID=$($BIN user session bench@example.com bench-password --data "$DIR/data")
cs() { curl -sS -X POST "${URL}cs?id=$RANDOM$RANDOM&sid=$SID" --data-binary "$1"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

head -c "$SIZE" /dev/urandom >"$DIR/file"
ROOT=$(cs '[{"a":"f","c":1}]' | sed -n 's/^\[{"f":\[{"h":"\([^"]*\)".*/\1/p')
UL=$(cs "[{\"a\":\"u\",\"s\":$SIZE}]" | field p)

# curl refuses to load >= 1 GiB into memory for --data-binary @file, so stream it with -T.
UP=$(curl -sS -o "$DIR/token" -w '%{speed_upload}' -X POST -T "$DIR/file" "$UL/0")
TOKEN=$(cat "$DIR/token")
[ ${#TOKEN} -eq 36 ] || { echo "upload did not complete: $TOKEN" >&2; exit 1; }
KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
NODE=$(cs "[{\"a\":\"p\",\"t\":\"$ROOT\",\"n\":[{\"h\":\"$TOKEN\",\"t\":0,\"a\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"k\":\"$KEY\"}]}]" \
  | sed -n 's/^\[{"f":\[{"h":"\([^"]*\)".*/\1/p')
DL=$(cs "[{\"a\":\"g\",\"g\":1,\"n\":\"$NODE\"}]" | field g)
DOWN=$(curl -sS -o "$DIR/back" -w '%{speed_download}' "$DL")
cmp -s "$DIR/file" "$DIR/back" || { echo "downloaded bytes differ" >&2; exit 1; }
DOWN_NULL=$(curl -sS -o /dev/null -w '%{speed_download}' "$DL")

awk -v s="$SIZE" -v u="$UP" -v d="$DOWN" -v n="$DOWN_NULL" 'BEGIN {
  printf "size: %d bytes\n", s
  printf "upload   (curl -X POST -T file):     %8.0f MB/s\n", u / 1e6
  printf "download (curl -o file):             %8.0f MB/s\n", d / 1e6
  printf "download (curl -o /dev/null):        %8.0f MB/s\n", n / 1e6
}'
