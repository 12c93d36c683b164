#!/usr/bin/env python3
"""soak.py - the load of bench/soak.sh against a running searchd.

  soak.py SECONDS UNIX_SOCKET TCP_PORT LIVE_DIR SEARCHD_PID CHANGES

Runs for SECONDS: 16 normal clients (half over the UNIX socket, half over
loopback TCP), 200 idle and 200 slowloris connections (half UNIX, half TCP
from 127.0.0.2-127.0.0.9, so the per-address cap does not turn them away),
4 clients sending expensive queries, and CHANGES file changes in LIVE_DIR
(created, rewritten, renamed, deleted; each file holds a unique id word)
spread over the run.  Prints a JSON summary on stdout; soak.sh adds the
rebuilds, the watcher and the final check."""
import json
import multiprocessing
import os
import random
import selectors
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
import limits  # noqa: E402  (raw-socket helpers shared with the tests)

SECONDS, SOCK, PORT, LIVE, PID, CHANGES = (float(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
                                           sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
UNIX, TCP = "unix:" + SOCK, "tcp:127.0.0.1:%d" % PORT
END = time.monotonic() + SECONDS
NORMAL = [b"/search?q=kommune", b"/search?q=integration+resilienz", b"/search?q=kita&type=md",
          b"/search?q=%22vor+Ort%22", b"/search?q=Akteur*innen", b"/search?q=wohnraum&sort=date",
          b"/suggest?q=integration+resil", b"/search?q=sprachmittlung+OR+dolmetscher"]
EXPENSIVE = [b"/search?q=" + b"+OR+".join([b"k*"] * 680),
             b"/search?q=" + b"+".join(b"%c*" % c for c in b"abcdefghijklmnopqrstuvwxyz" * 20),
             b"/search?q=" + b"+OR+".join(b"%22integration+kommune%22" for _ in range(100))]

lock = threading.Lock()
normal_lat, normal_err, expensive = [], [], {}


def normal_client(i):
    target = UNIX if i % 2 else TCP
    n = 0
    while time.monotonic() < END:
        path = NORMAL[(i + n) % len(NORMAL)]
        st, body, secs = limits.query(target, path)
        ok = st == 200 and (b'"hits":[{' in body or b'"suggestions":[' in body)
        with lock:
            if ok:
                normal_lat.append(secs)
            else:
                normal_err.append([round(time.time(), 3), path.decode(), st,
                                   body[:120].decode("utf-8", "replace")])
        n += 1
        time.sleep(0.05)  # think time: 16 clients ask ~300 queries/s, not a saturating loop


def expensive_client(i):
    n = 0
    while time.monotonic() < END:
        st, body, secs = limits.query(UNIX if i % 2 else TCP, EXPENSIVE[(i + n) % len(EXPENSIVE)],
                                      timeout=30)
        key = "%d%s" % (st, " truncated" if b'"truncated":true' in body else "")
        with lock:
            expensive[key] = expensive.get(key, 0) + 1
            expensive.setdefault("max_s", 0)
            expensive["max_s"] = max(expensive["max_s"], round(secs, 2))
        n += 1


def hostile():
    """200 idle + 200 slowloris connections, reopened a second after a cut."""
    sel = selectors.DefaultSelector()
    conns = {}
    reopen = []
    stats = {"opened": 0, "refused": 0, "cut": 0}

    def open_one(kind, k):
        tcp = k % 2 == 0
        try:
            s = limits.connect(TCP if tcp else UNIX, 5, "127.0.0.%d" % (2 + k % 8) if tcp else None)
        except OSError:
            stats["refused"] += 1
            reopen.append((time.monotonic() + 1, kind, k))
            return
        s.setblocking(False)
        if kind == "slow":
            try:
                s.send(b"G")
            except OSError:
                pass
        conns[s] = [kind, k, time.monotonic() + 1 + k % 6]
        sel.register(s, selectors.EVENT_READ)
        stats["opened"] += 1

    for k in range(200):
        open_one("idle", k)
        open_one("slow", k)
    while time.monotonic() < END:
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                kind, k, _ = conns.pop(s)
                sel.unregister(s)
                s.close()
                stats["cut"] += 1
                reopen.append((time.monotonic() + 1, kind, k))
        t = time.monotonic()
        for s, c in list(conns.items()):
            if c[0] == "slow" and c[2] <= t:
                try:
                    s.send(b"E")
                except OSError:
                    pass
                c[2] = t + 1 + random.randint(0, 5)
        due = [r for r in reopen if r[0] <= t]
        reopen[:] = [r for r in reopen if r[0] > t]
        for _, kind, k in due:
            open_one(kind, k)
    for s in conns:
        s.close()
    return stats


def changes():
    """CHANGES changes spread over the run; the expected files are on disk."""
    rnd = random.Random(16)
    files = []  # paths of live files
    made = 0
    done = {"create": 0, "rewrite": 0, "rename": 0, "delete": 0}
    gap = SECONDS * 0.8 / max(1, CHANGES)
    for n in range(CHANGES):
        if time.monotonic() >= END:
            break
        op = "create" if len(files) < 20 else rnd.choice(["create", "create", "rewrite", "rename", "delete"])
        if op == "create":
            made += 1
            p = os.path.join(LIVE, "live-%05d.txt" % made)
            with open(p, "w") as f:
                f.write("Soak %05d\n\nsoakdoc%05dx Kommune Integration Wohnraum.\n" % (made, made))
            files.append(p)
        elif op == "rewrite":
            p = rnd.choice(files)
            ident = os.path.basename(p).split("-")[1].split(".")[0]
            with open(p, "a") as f:
                f.write("Nachtrag %d soakdoc%sx.\n" % (n, ident))
        elif op == "rename":
            p = rnd.choice(files)
            q = p.replace(".txt", "").rsplit("-r", 1)[0] + "-r%d.txt" % n
            os.rename(p, q)
            files[files.index(p)] = q
        else:
            p = rnd.choice(files)
            os.unlink(p)
            files.remove(p)
        done[op] += 1
        time.sleep(gap)
    return done


def rss_kb():
    try:
        for l in open("/proc/%d/status" % PID):
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    except OSError:
        return None


def run_expensive():
    ts = [threading.Thread(target=expensive_client, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return dict(expensive)


def in_process(fn, q):
    q.put((fn.__name__, fn()))


def main():
    # The hostile crowd, the expensive clients and the file changes run in
    # processes of their own: in this one they would share the interpreter
    # lock with the normal clients, whose latency we measure.
    rss0 = rss_kb()
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=in_process, args=(fn, q))
          for fn in (hostile, run_expensive, changes)]
    for p in ps:
        p.start()
    ts = [threading.Thread(target=normal_client, args=(i,)) for i in range(16)]
    for t in ts:
        t.start()
    rss_max = rss0 or 0
    while any(t.is_alive() for t in ts):
        time.sleep(1)
        rss_max = max(rss_max, rss_kb() or 0)
    for t in ts:
        t.join()
    got = dict(q.get(timeout=60) for _ in ps)
    for p in ps:
        p.join(timeout=10)
    print(json.dumps({
        "normal_queries": len(normal_lat) + len(normal_err), "normal_errors": len(normal_err),
        "normal_error_list": normal_err,
        "p50_ms": round(limits.pct(normal_lat, 50) * 1000, 2),
        "p99_ms": round(limits.pct(normal_lat, 99) * 1000, 2),
        "max_ms": round(max(normal_lat) * 1000, 2) if normal_lat else None,
        "rss_start_kb": rss0, "rss_end_kb": rss_kb(), "rss_max_kb": rss_max,
        "expensive": got.get("run_expensive"), "hostile": got.get("hostile"),
        "changes": got.get("changes"),
    }))


if __name__ == "__main__":
    main()
