#!/usr/bin/env bash
# Session and node-cache figures against megasim accounts made by `megasim seed` (issue 3 §5),
# each printed beside a baseline measured in the same run, with the ratio:
#   - first login (password login + full fetch, parse, decrypt, insert into the cache):
#     CPU seconds (user+sys of the megash process) and peak RSS, at SMALL and LARGE nodes;
#     baseline: curl fetching the same `f` answer (the bytes alone, no parsing);
#   - one-shot `mega-ls /folder-0000001` on the warm cache, RUNS rounds: median wall time and
#     peak RSS at both sizes, and the logins megasim recorded meanwhile (must be 0);
#     baselines, run in the same rounds (each round runs every command once, so load on a
#     shared machine hits them alike): /bin/true, `megash version` (the process doing
#     nothing), /bin/ls of a local folder with the same entries;
#   - 100 consecutive one-shot commands (ls, pwd, cd, whoami, ls -l): logins recorded since
#     the account was made (must be exactly 1, the first login).
#   - with BASELINE=PATH (another megash binary): the first login at LARGE nodes by both
#     builds, alternating for LOGIN_ROUNDS rounds (default 4), and the warm `mega-ls` of each
#     (each on a cache it made), RUNS rounds interleaved, with the ratios. The host's speed
#     moves by 2-5x from hour to hour; these side-by-side ratios are the comparable figures.
# Figures are measured per child process (bench/measure.py: wall time around spawn+wait4,
# CPU and peak RSS from /usr/bin/time). Not a timed test.
#   [BASELINE=OLD_MEGASH] bench/cache-scale.sh [SMALL_NODES] [LARGE_NODES] [RUNS]
#                                                             (default 100000 1000000 50)
set -euo pipefail
[ -z "${BASELINE:-}" ] || BASELINE=$(realpath "$BASELINE")
cd "$(dirname "$0")/.."
SMALL=${1:-100000}
LARGE=${2:-1000000}
RUNS=${3:-50}
cargo build --release --bins >/dev/null 2>&1 || cargo build --release --bins
ROOT=$PWD
SIM=$ROOT/target/release/megasim
MEGASH=$ROOT/target/release/megash
MEASURE="python3 $ROOT/bench/measure.py"
DIR=$(mktemp -d "${BENCH_TMP:-/tmp}/megash-cache-bench.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
DATA=$DIR/data
PASSWORD=bench-password
FOLDER=/folder-0000001 # the seed's first node: a folder under the root at every size

mkdir -p "$DIR/bin"
ln -s "$MEGASH" "$DIR/bin/mega-ls"
for c in pwd cd whoami; do ln -s "$MEGASH" "$DIR/bin/mega-$c"; done

email() { echo "n$1@example.com"; }
logins() { "$SIM" user list --data "$DATA" | grep -F "$(email "$1")" | sed -n 's/.*logins=\([0-9]*\).*/\1/p'; }
# ratio A B [DIGITS]: A/B as "1.5x" (DIGITS decimals, default 1), "-" when B is 0.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { if (b > 0) printf "%." d "fx", a / b; else print "-" }'; }

for n in "$SMALL" "$LARGE"; do
  "$SIM" user add "$(email "$n")" "$PASSWORD" --data "$DATA" >/dev/null
  t0=$(date +%s.%N)
  "$SIM" seed --nodes "$n" --data "$DATA" "$(email "$n")" "$PASSWORD" >/dev/null
  printf 'seeded %8d nodes in %5.1f s\n' "$n" "$(echo "$(date +%s.%N) - $t0" | bc)"
done

"$SIM" serve --data "$DATA" --listen 127.0.0.1:0 >"$DIR/serve.out" &
PID=$!
for _ in $(seq 1 400); do grep -q listening "$DIR/serve.out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^megasim listening on //p' "$DIR/serve.out")
[ -n "$URL" ] || { echo "megasim did not start" >&2; exit 1; }

export MEGA_API_URL=$URL NO_COLOR=1 TZ=UTC
unset MEGA_PASSWORD
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

for n in "$SMALL" "$LARGE"; do
  export MEGASH_HOME=$DIR/home-$n
  echo
  echo "== $n nodes: first login"
  read -r wall user sys rss code <<<"$($MEASURE once "$MEGASH" login "$(email "$n")" "$PASSWORD")"
  [ "$code" = 0 ] || { echo "login failed" >&2; exit 1; }
  cpu=$(echo "$user + $sys" | bc)
  cached=$(sqlite3 "$MEGASH_HOME"/cache/*.db 'SELECT COUNT(*) FROM nodes' 2>/dev/null || echo '?')
  sid=$("$SIM" user session "$(email "$n")" "$PASSWORD" --data "$DATA")
  read -r cwall cuser csys crss _ <<<"$($MEASURE once curl -sS -o /dev/null -X POST \
    "${URL}cs?id=1&sid=$sid" --data-binary '[{"a":"f","c":1,"r":1}]')"
  ccpu=$(echo "$cuser + $csys" | bc)
  printf 'megash login + full fetch:  %5.2f s CPU (user %.2f + sys %.2f), wall %.2f s, peak RSS %6.1f MB, %s nodes cached\n' \
    "$cpu" "$user" "$sys" "$wall" "$(mb "$rss")" "$cached"
  printf '  vs curl fetching the same f answer: %5.2f s CPU, wall %.2f s, peak RSS %5.1f MB -> %s CPU, %s RSS\n' \
    "$ccpu" "$cwall" "$(mb "$crss")" "$(ratio "$cpu" "$ccpu")" "$(ratio "$rss" "$crss")"
  mkdir -p "$DIR/local-$n"
  "$DIR/bin/mega-ls" "$FOLDER" | (cd "$DIR/local-$n" && xargs touch)
done

echo
echo "== one-shot mega-ls $FOLDER on the warm cache, $RUNS rounds"
before_small=$(logins "$SMALL")
before_large=$(logins "$LARGE")
mapfile -t rows < <($MEASURE compare "$RUNS" /bin/true -- "$MEGASH" version \
  -- /bin/ls "$DIR/local-$SMALL" -- /bin/ls "$DIR/local-$LARGE" \
  -- "MEGASH_HOME=$DIR/home-$SMALL" "$DIR/bin/mega-ls" "$FOLDER" \
  -- "MEGASH_HOME=$DIR/home-$LARGE" "$DIR/bin/mega-ls" "$FOLDER")
read -r true_ms _ _ true_rss _ <<<"${rows[0]}"
read -r ver_ms _ _ ver_rss _ <<<"${rows[1]}"
printf '%-44s median %6.2f ms, peak RSS %5.1f MB\n' "/bin/true" "$true_ms" "$(mb "$true_rss")"
printf '%-44s median %6.2f ms, peak RSS %5.1f MB\n' "megash version (does nothing)" "$ver_ms" "$(mb "$ver_rss")"
for i in 0 1; do
  if [ $i = 0 ]; then n=$SMALL; else n=$LARGE; fi
  read -r ls_ms _ _ ls_rss _ <<<"${rows[$((2 + i))]}"
  read -r med min max rss fails <<<"${rows[$((4 + i))]}"
  entries=$(ls "$DIR/local-$n" | wc -l)
  [ "$fails" = 0 ] || echo "WARNING: $fails failed runs" >&2
  printf '%-44s median %6.2f ms, peak RSS %5.1f MB\n' "/bin/ls local folder of $entries entries" "$ls_ms" "$(mb "$ls_rss")"
  printf '%-44s median %6.2f ms (min %.2f, max %.2f), peak RSS %5.1f MB\n' \
    "mega-ls at $n nodes ($entries entries)" "$med" "$min" "$max" "$(mb "$rss")"
  printf '    ratios: %s of /bin/ls, %s of megash version, %s of /bin/true; RSS %s of /bin/ls\n' \
    "$(ratio "$med" "$ls_ms")" "$(ratio "$med" "$ver_ms")" "$(ratio "$med" "$true_ms")" "$(ratio "$rss" "$ls_rss")"
done
printf 'new logins during the runs: %d at %d nodes, %d at %d nodes (must be 0)\n' \
  "$(($(logins "$SMALL") - before_small))" "$SMALL" "$(($(logins "$LARGE") - before_large))" "$LARGE"

for n in "$SMALL" "$LARGE"; do
  export MEGASH_HOME=$DIR/home-$n
  t0=$(date +%s%N)
  for i in $(seq 1 20); do
    if [ $((i % 2)) = 1 ]; then target=$FOLDER; else target=/; fi
    "$DIR/bin/mega-ls"
    "$DIR/bin/mega-pwd"
    "$DIR/bin/mega-cd" "$target"
    "$DIR/bin/mega-whoami"
    "$DIR/bin/mega-ls" -l
  done >/dev/null
  t1=$(date +%s%N)
  printf '100 one-shot commands (ls, pwd, cd, whoami, ls -l) at %d nodes: %.0f ms; logins recorded for the account: %s (must be 1)\n' \
    "$n" "$(echo "($t1 - $t0) / 1000000" | bc -l)" "$(logins "$n")"
done

[ -n "${BASELINE:-}" ] || exit 0
echo
echo "== side by side with $BASELINE, $LARGE nodes"
cp "$BASELINE" "$DIR/megash-baseline"
mkdir -p "$DIR/bin-baseline"
ln -s "$DIR/megash-baseline" "$DIR/bin-baseline/mega-ls"
declare -A CPUS WALLS
for round in $(seq 1 "${LOGIN_ROUNDS:-4}"); do
  # Each build goes first every other round: the first login of a round meets a colder host.
  order="now baseline"
  [ $((round % 2)) = 0 ] && order="baseline now"
  for b in $order; do
    bin=$MEGASH
    [ $b = baseline ] && bin=$DIR/megash-baseline
    rm -rf "$DIR/home-$b"
    read -r wall user sys rss code <<<"$(MEGASH_HOME=$DIR/home-$b $MEASURE once "$bin" login --force "$(email "$LARGE")" "$PASSWORD")"
    [ "$code" = 0 ] || { echo "login with $b failed" >&2; exit 1; }
    cpu=$(echo "$user + $sys" | bc)
    CPUS[$b]="${CPUS[$b]:-} $cpu"
    WALLS[$b]="${WALLS[$b]:-} $wall"
    printf 'round %d, %-8s first login: %5.2f s CPU (user %.2f + sys %.2f), wall %.2f s, peak RSS %5.1f MB\n' \
      "$round" "$b" "$cpu" "$user" "$sys" "$wall" "$(mb "$rss")"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now_cpu=$(echo "${CPUS[now]}" | median)
base_cpu=$(echo "${CPUS[baseline]}" | median)
printf 'first login, median CPU: this build %.2f s, baseline %.2f s -> %s; median wall %.2f s, baseline %.2f s\n' \
  "$now_cpu" "$base_cpu" "$(ratio "$now_cpu" "$base_cpu" 2)" \
  "$(echo "${WALLS[now]}" | median)" "$(echo "${WALLS[baseline]}" | median)"
mapfile -t rows < <($MEASURE compare "$RUNS" /bin/true \
  -- "MEGASH_HOME=$DIR/home-now" "$DIR/bin/mega-ls" "$FOLDER" \
  -- "MEGASH_HOME=$DIR/home-baseline" "$DIR/bin-baseline/mega-ls" "$FOLDER")
read -r true_ms _ _ _ _ <<<"${rows[0]}"
read -r now_ms _ _ _ now_fails <<<"${rows[1]}"
read -r base_ms _ _ _ base_fails <<<"${rows[2]}"
[ "$now_fails" = 0 ] && [ "$base_fails" = 0 ] || echo "WARNING: failed runs: $now_fails now, $base_fails baseline" >&2
printf 'warm mega-ls %s, median of %d: this build %.2f ms, baseline %.2f ms -> %s (/bin/true %.2f ms)\n' \
  "$FOLDER" "$RUNS" "$now_ms" "$base_ms" "$(ratio "$now_ms" "$base_ms" 2)" "$true_ms"
