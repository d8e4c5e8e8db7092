#!/usr/bin/env python3
"""Trivial HTTP/1.1 server used as the baseline for bench/megasim-transfer.sh.

POST/PUT: answers `Expect: 100-continue` like hyper does, reads the Content-Length body with
recv_into into one reused buffer and either discards it (default) or, with --store DIR, writes
it with pwrite at the offset given as the last path segment into DIR/<name> (the same I/O that
megasim does), then answers 200 with an empty body.
GET /<name>: streams <serve dir>/<name> with readinto + sendall through one reused buffer
(the same I/O that megasim's download does).
One thread per connection; keep-alive. Prints `port N` on stdout once listening.
"""

import argparse
import os
import socket
import threading

BUF = 4 << 20


def handle(conn, store, serve):
    buf = bytearray(BUF)
    view = memoryview(buf)
    pending = b""
    files = {}
    try:
        while True:
            while b"\r\n\r\n" not in pending:
                got = conn.recv(65536)
                if not got:
                    return
                pending += got
            head, pending = pending.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            path = target.split("?", 1)[0].strip("/").split("/")
            if method == "GET":
                fd = os.open(os.path.join(serve, path[0]), os.O_RDONLY)
                size = os.fstat(fd).st_size
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
                    b"content-length: %d\r\n\r\n" % size
                )
                with os.fdopen(fd, "rb", buffering=0) as f:
                    while True:
                        n = f.readinto(view)
                        if not n:
                            break
                        conn.sendall(view[:n])
                continue
            left = int(headers.get("content-length", "0"))
            if headers.get("expect", "").lower() == "100-continue":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            fd = None
            at = 0
            if store:
                name = path[0]
                at = int(path[-1]) if len(path) > 1 and path[-1].isdigit() else 0
                if name not in files:
                    files[name] = os.open(os.path.join(store, name), os.O_WRONLY | os.O_CREAT, 0o600)
                fd = files[name]
            if pending:
                take = pending[:left]
                pending = pending[len(take):]
                if fd is not None:
                    os.pwrite(fd, take, at)
                at += len(take)
                left -= len(take)
            while left > 0:
                n = conn.recv_into(view, min(left, BUF))
                if not n:
                    return
                if fd is not None:
                    os.pwrite(fd, view[:n], at)
                at += n
                left -= n
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
    except (OSError, ValueError):
        pass
    finally:
        for fd in files.values():
            os.close(fd)
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", help="pwrite uploaded bodies into files in this directory")
    ap.add_argument("--serve", default=".", help="directory GET serves files from")
    a = ap.parse_args()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    print("port", srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, a.store, a.serve), daemon=True).start()


if __name__ == "__main__":
    main()
