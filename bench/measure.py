#!/usr/bin/env python3
"""Run commands and report what they cost. Used by cache-scale.sh; Python 3 only.

  measure.py once CMD ARGS...
      one run under /usr/bin/time: "wall_s user_s sys_s maxrss_kb exit"
  measure.py compare N CMD1 ARGS... -- CMD2 ARGS... -- ...
      N rounds, each running every command once in turn (so a busy machine slows them all
      alike), then per command one line: "median_ms min_ms max_ms maxrss_kb failures".
      Leading NAME=VALUE words of a command set its environment.

Wall time is taken around a posix_spawn + wait4. Peak RSS comes from /usr/bin/time (5 extra
runs per command): a process spawned straight from Python would report Python's own RSS,
because Linux keeps the pre-exec peak in ru_maxrss.
stdout/stderr of the commands go to /dev/null (stderr is shown on failure).
"""
import os
import sys
import tempfile
import time


def split_env(words):
    env = dict(os.environ)
    i = 0
    while i < len(words) and "=" in words[i] and not words[i].startswith("/"):
        k, v = words[i].split("=", 1)
        env[k] = v
        i += 1
    return env, words[i:]


def run(argv, env):
    devnull = os.open(os.devnull, os.O_RDWR)
    err_r, err_w = os.pipe()
    file_actions = [
        (os.POSIX_SPAWN_DUP2, devnull, 0),
        (os.POSIX_SPAWN_DUP2, devnull, 1),
        (os.POSIX_SPAWN_DUP2, err_w, 2),
    ]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=file_actions)
    os.close(err_w)
    err = b""
    while True:
        chunk = os.read(err_r, 65536)
        if not chunk:
            break
        err += chunk
    _, status, _ = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(err_r)
    os.close(devnull)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"measure: {' '.join(argv)} exited {code}: {err.decode(errors='replace')}")
    return wall, code


def timed(argv, env, fmt):
    """Run under /usr/bin/time -f FMT; its figures as a list of strings, plus the exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        _, code = run(["/usr/bin/time", "-f", fmt, "-o", out.name] + argv, env)
        return out.read().split(), code


def main():
    mode = sys.argv[1]
    if mode == "once":
        env, argv = split_env(sys.argv[2:])
        figures, code = timed(argv, env, "%e %U %S %M")
        print(" ".join(figures[-4:]), code)
    elif mode == "compare":
        n = int(sys.argv[2])
        cmds, cur = [], []
        for w in sys.argv[3:] + ["--"]:
            if w == "--":
                cmds.append(split_env(cur))
                cur = []
            else:
                cur.append(w)
        for env, argv in cmds:
            run(argv, env)  # warm the page cache; not counted
        walls = [[] for _ in cmds]
        failures = [0 for _ in cmds]
        for _ in range(n):
            for i, (env, argv) in enumerate(cmds):
                wall, code = run(argv, env)
                walls[i].append(wall * 1000)
                failures[i] += code != 0
        for i, (env, argv) in enumerate(cmds):
            rss = max(int(timed(argv, env, "%M")[0][-1]) for _ in range(5))
            w = sorted(walls[i])
            median = w[n // 2] if n % 2 else (w[n // 2 - 1] + w[n // 2]) / 2
            print(f"{median:.2f} {w[0]:.2f} {w[-1]:.2f} {rss} {failures[i]}")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
