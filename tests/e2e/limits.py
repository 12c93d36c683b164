#!/usr/bin/env python3
"""limits.py - hostile clients for searchd's connection limits, used by
tests/e2e/searchd_limits.sh (assertions) and bench/ (figures): many
trickling connections next to normal queries, idle crowds, per-address
caps, malformed and truncated requests.  Loopback and UNIX sockets only;
every loop is bounded.  Prints one JSON object per command on stdout."""
import json
import os
import selectors
import socket
import sys
import time


def addr_of(target):
    """'unix:/path' or 'tcp:127.0.0.1:port' -> (family, address)."""
    kind, rest = target.split(":", 1)
    if kind == "unix":
        return socket.AF_UNIX, rest
    host, port = rest.rsplit(":", 1)
    return socket.AF_INET, (host, int(port))


def connect(target, timeout=10, source=None):
    fam, addr = addr_of(target)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source and fam == socket.AF_INET:
        s.bind((source, 0))
    s.connect(addr)
    return s


def read_response(s):
    """(status, body) of one response; (0, b"") if closed without one."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                return 0, b""
            buf += chunk
        head, body = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        n = 0
        for l in lines[1:]:
            if l.lower().startswith("content-length:"):
                n = int(l.split(":", 1)[1])
        while len(body) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return status, body
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        return 0, b""


def query(target, path=b"/search?q=kommune", source=None, timeout=10):
    """One request on a fresh connection: (status, body, seconds)."""
    t = time.monotonic()
    try:
        s = connect(target, timeout, source)
    except OSError:
        return 0, b"", time.monotonic() - t
    try:
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        st, body = read_response(s)
    except OSError:
        st, body = 0, b""
    s.close()
    return st, body, time.monotonic() - t


def pct(v, p):
    if not v:
        return 0.0
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


SLOW_HEAD = b"GET /search?q=kita HTTP/1.1\r\nHost: x\r\nX-Slow: "


def trickle(target, n, seconds, queries, gap, source=None):
    """n connections each sending one byte every 1-6 s (reopened a second
    after the server cuts one), while normal queries run one after another.
    Returns the figures; `first_wave_open` counts connections of the first
    wave still open at the end (the server never cut them)."""
    sel = selectors.DefaultSelector()
    conns = {}  # socket -> [next send time, opened at, first wave]
    now = time.monotonic()
    opened = refused = 0

    def open_one(first):
        nonlocal opened, refused
        try:
            s = connect(target, 5, source)
        except OSError:
            refused += 1
            return
        s.setblocking(False)
        try:
            s.send(SLOW_HEAD[:1])
        except OSError:
            pass
        t = time.monotonic()
        conns[s] = [t + 1 + (opened % 6), t, first]
        sel.register(s, selectors.EVENT_READ)
        opened += 1

    for i in range(n):
        open_one(True)
    cut = 0
    reopen = []  # times at which cut connections are opened again
    lifetimes = []
    lat, bad = [], []
    end = now + seconds
    next_q = time.monotonic() + 0.5
    done_q = 0
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.02):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:  # the server closed it: a cut
                cut += 1
                lifetimes.append(time.monotonic() - conns[s][1])
                sel.unregister(s)
                s.close()
                del conns[s]
                # reopened on the client's next tick, as a slowloris does
                reopen.append(time.monotonic() + 1)
        t = time.monotonic()
        while reopen and reopen[0] <= t:
            reopen.pop(0)
            open_one(False)
        for s, st in list(conns.items()):
            if st[0] <= t:
                try:
                    s.send(b"a")
                except OSError:
                    pass
                st[0] = t + 1 + (hash(s) % 6)
        if done_q < queries and t >= next_q:
            st, body, secs = query(target, source=None)
            ok = st == 200 and b'"hits":[{' in body
            (lat if ok else bad).append(secs if ok else st)
            done_q += 1
            next_q = time.monotonic() + gap
    first_open = sum(1 for v in conns.values() if v[2])
    for s in list(conns):
        s.close()
    return {
        "connections": n, "opened": opened, "refused": refused, "cut_by_server": cut,
        "first_wave_open": first_open,
        "longest_lived_s": round(max(lifetimes), 2) if lifetimes else None,
        "queries": done_q, "answered": len(lat), "failed": bad,
        "p50_ms": round(pct(lat, 50) * 1000, 2), "p99_ms": round(pct(lat, 99) * 1000, 2),
        "max_ms": round(max(lat) * 1000, 2) if lat else None,
    }


def crowd(target, n, source=None):
    """n idle connections (nothing sent), then one normal query."""
    socks = []
    for _ in range(n):
        try:
            socks.append(connect(target, 5, source))
        except OSError:
            pass
    time.sleep(0.3)  # let the server accept them all
    st, body, secs = query(target)
    # which of the idle ones did the server close?
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    return {"idle": len(socks), "closed_by_server": closed, "query_status": st,
            "query_hits": b'"hits":[{' in body}


def per_ip(target, cap):
    """cap idle connections from 127.0.0.1 fill its share; one more from
    there is turned away while 127.0.0.2 is still served."""
    host = addr_of(target)[1][0]
    socks = [connect(target, 5, host) for _ in range(cap)]
    time.sleep(0.3)
    st_same, _, _ = query(target, source=host, timeout=5)
    st_other, body, _ = query(target, source="127.0.0.2", timeout=5)
    for s in socks:
        s.close()
    return {"same_address": st_same, "other_address": st_other,
            "other_hits": b'"hits":[{' in body}


def raw(target, data, shut=False, timeout=10):
    s = connect(target, timeout)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    t = time.monotonic()
    st, body = read_response(s)
    closed = False
    if st == 0:  # did the server close, or did we time out?
        try:
            closed = s.recv(1) == b""
        except socket.timeout:
            closed = False
        except OSError:
            closed = True
    s.close()
    err = None
    try:
        err = json.loads(body)["error"]["message"] if st >= 400 else None
    except (ValueError, KeyError, TypeError):
        err = "not JSON: " + body[:60].decode("latin-1")
    return {"status": st, "closed": closed or st != 0, "seconds": round(time.monotonic() - t, 2),
            "error": err}


def main():
    cmd, target = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    if cmd == "trickle":
        r = trickle(target, int(a[0]), float(a[1]), int(a[2]), float(a[3]))
    elif cmd == "crowd":
        r = crowd(target, int(a[0]))
    elif cmd == "per_ip":
        r = per_ip(target, int(a[0]))
    elif cmd == "raw":  # raw TARGET ESCAPED-BYTES (\r\n, \x00) [shut]
        data = a[0].encode("latin-1").decode("unicode_escape").encode("latin-1")
        r = raw(target, data, len(a) > 1 and a[1] == "shut")
    else:
        sys.exit("unknown command " + cmd)
    print(json.dumps(r))


if __name__ == "__main__":
    main()
