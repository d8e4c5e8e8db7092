#!/usr/bin/env bash
# Build times of two commits side by side (default: before and after the workspace split):
# a clean `cargo build --release`, the same after a one-line change in a command file
# (commands/ls.rs), and likewise for `cargo test --no-run`. Each commit builds in its own
# worktree and target directory, one after the other, so both see the same machine.
#
#   bench/build-time.sh [BEFORE_REV] [AFTER_REV]
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:-d61eaca}
AFTER=${2:-HEAD}
WORK=$(mktemp -d)
trap 'git worktree remove --force "$WORK/before" 2>/dev/null; git worktree remove --force "$WORK/after" 2>/dev/null; rm -rf "$WORK"' EXIT

secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

measure() { # name rev
  local dir="$WORK/$1"
  git worktree add -q --detach "$dir" "$2"
  ( cd "$dir"
    export CARGO_TARGET_DIR="$WORK/target-$1"
    local a b c d
    a=$(secs cargo build --release --locked)
    echo "// $(date +%s%N)" >> commands/ls.rs
    b=$(secs cargo build --release --locked)
    c=$(secs cargo test --no-run --locked)
    echo "// $(date +%s%N)" >> commands/ls.rs
    d=$(secs cargo test --no-run --locked)
    printf '%-7s %-9s release clean %6.1f s, after a one-line edit %5.1f s; test --no-run clean %6.1f s, after a one-line edit %5.1f s\n' \
      "$1" "$(git rev-parse --short HEAD)" "$a" "$b" "$c" "$d"
  )
}

measure before "$BEFORE"
measure after "$AFTER"
