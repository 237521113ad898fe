#!/usr/bin/env python3
"""The attacks of the hostile-input suite against a release build, with figures: each attack's
answer and time, the server's peak memory, and the slowest answer a well-behaved client got
meanwhile (GET /schemas/ids/1 and /health every 20 ms on their own connections).

    cargo build --release --bin schema-registry-server
    scripts/hostile-figures.py [--bin target/release/schema-registry-server]

Loopback only; every attack is bounded in time and count, and the server it starts is stopped
by its process id. Prints one table.
"""

import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import tempfile
import threading
import time

ROWS = []
PROBE_ADDRESS = "127.0.0.2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, env):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="registry-hostile-")
        full = dict(os.environ)
        full.update({
            "LISTEN_ADDR": f"127.0.0.1:{self.port}",
            "DATABASE_URL": f"sqlite://{self.dir}/registry.db",
            "RUST_LOG": "error",
            "WARM_ON_START": "false",
        })
        full.update(env)
        self.proc = subprocess.Popen([binary], env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                if call(self, "GET", "/ready")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the server did not start")

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir], check=False)


def call(server, method, path, body=None, headers=None, timeout=180, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout, source_address=(source, 0))
    h = {"content-type": "application/json"} if body is not None else {}
    h.update(headers or {})
    data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
    started = time.monotonic()
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    raw = r.read()
    took = time.monotonic() - started
    conn.close()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return r.status, parsed, took


class Probe:
    """GET /schemas/ids/1 and /health every 20 ms from another loopback address (127.0.0.2, as
    another client would be: the attacks come from 127.0.0.1); the slowest answer and any
    failure."""

    def __init__(self, server):
        self.server, self.slowest, self.failures, self.count = server, 0.0, 0, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.is_set():
            for path in ("/schemas/ids/1", "/health"):
                try:
                    status, _, took = call(self.server, "GET", path, timeout=30, source=PROBE_ADDRESS)
                    self.failures += status != 200
                except OSError:
                    took, self.failures = 30.0, self.failures + 1
                self.slowest = max(self.slowest, took)
                self.count += 1
            time.sleep(0.02)

    def finish(self):
        self.stopping.set()
        self.thread.join()
        return f"probe slowest {self.slowest * 1000:.0f} ms over {self.count}, {self.failures} failed"


def row(attack, answer, figure, probe=""):
    ROWS.append((attack, answer, figure, probe))
    print(f"  {attack}: {answer}, {figure} {probe}", flush=True)


def code(status, body):
    if isinstance(body, dict) and "error_code" in body:
        return f"{status} {body['error_code']}"
    return str(status)


# --- schemas built to be expensive ------------------------------------------------------------

def nested_any_of(depth):
    t = {"type": "string"}
    for _ in range(depth):
        t = {"anyOf": [t, t]}
    return t


def pattern_properties(n, prefix):
    return {
        "type": "object",
        "patternProperties": {f"^p{i}[a-z]*$": {"type": "string"} for i in range(n)},
        "properties": {f"{prefix}{i}": {"type": "string"} for i in range(n)},
        "additionalProperties": False,
    }


def doubling_refs(depth):
    defs = {"d0": {"type": "string"}}
    for i in range(1, depth + 1):
        prev = f"#/definitions/d{i - 1}"
        defs[f"d{i}"] = {"type": "object", "properties": {"a": {"$ref": prev}, "b": {"$ref": prev}}}
    return {"definitions": defs, "$ref": f"#/definitions/d{depth}"}


def many_refs_to_one(n, def_bytes):
    fields = {}
    while len(json.dumps(fields)) < def_bytes:
        fields[f"field_{len(fields)}"] = {"type": "string", "description": "x" * 40}
    big = {"type": "object", "properties": fields}
    return {"definitions": {"big": big}, "type": "object",
            "properties": {f"r{i}": {"$ref": "#/definitions/big"} for i in range(n)}}


def put_json(server, subject, schema):
    call(server, "PUT", f"/config/{subject}", {"compatibility": "NONE"})
    status, body, _ = call(server, "POST", f"/subjects/{subject}/versions",
                           {"schema": json.dumps(schema), "schemaType": "JSON"})
    assert status == 200, (subject, body)
    call(server, "PUT", f"/config/{subject}", {"compatibility": "FULL"})


def check(server, subject, schema):
    return call(server, "POST", f"/compatibility/subjects/{subject}/versions/latest",
                {"schema": json.dumps(schema), "schemaType": "JSON"})


def compatibility_bombs(server):
    cases = [
        ("200 x 200 patternProperties", pattern_properties(200, "x"), pattern_properties(200, "p")),
        ("nested anyOf, depth 12", nested_any_of(12), nested_any_of(12)),
        ("doubling $refs, depth 18", {"type": "string"}, doubling_refs(18)),
        ("1,000 $refs to a 170 KB definition", {"type": "string"}, many_refs_to_one(1000, 170_000)),
        ("20,000-symbol enum", {"enum": [f"s{i}" for i in range(20_000)]},
         {"enum": [f"s{i}" for i in range(19_999)]}),
    ]
    for n, (what, old, new) in enumerate(cases):
        subject = f"bomb-{n}"
        put_json(server, subject, old)
        probe = Probe(server)
        status, body, took = check(server, subject, new)
        row(f"1. check: {what}", code(status, body),
            f"{took:.2f} s, server peak {server.peak_rss_mb():.0f} MB", probe.finish())
    put_json(server, "bomb-many", nested_any_of(10))
    probe = Probe(server)
    started = time.monotonic()
    threads = [threading.Thread(target=check, args=(server, "bomb-many", nested_any_of(10))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    row("1. six concurrent depth-10 checks", "all answered", f"{time.monotonic() - started:.2f} s", probe.finish())


# --- numbers ----------------------------------------------------------------------------------

def numbers(server):
    call(server, "PUT", "/mode?force=true", {"mode": "IMPORT"})
    rec = lambda name: json.dumps({"type": "record", "name": name, "fields": []})
    status, body, _ = call(server, "POST", "/subjects/imp/versions",
                           {"schema": rec("A"), "id": 9223372036854775807, "version": 1})
    row("2. import id 2^63-1", code(status, body), "refused")
    status, body, _ = call(server, "POST", "/subjects/imp/versions", {"schema": rec("B"), "id": 7, "version": 0})
    row("2. import version 0", code(status, body), "refused")
    status, body, _ = call(server, "POST", "/subjects/imp/versions",
                           {"schema": rec("C"), "id": 2147483647, "version": 2147483647})
    row("2. import id and version 2^31-1", code(status, body), "taken")
    call(server, "PUT", "/mode", {"mode": "READWRITE"})
    status, body, _ = call(server, "POST", "/subjects/after/versions", {"schema": rec("D")})
    row("2. then a new schema elsewhere", code(status, body), f"id {body.get('id') if isinstance(body, dict) else body}")
    call(server, "PUT", "/config/imp", {"compatibility": "NONE"})
    status, body, _ = call(server, "POST", "/subjects/imp/versions", {"schema": rec("E")})
    row("2. then the next version after 2^31-1", code(status, body), "refused, nothing wraps")
    # 4. version numbers
    call(server, "PUT", "/config/reuse", {"compatibility": "NONE"})
    for name in ("V1", "V2"):
        call(server, "POST", "/subjects/reuse/versions", {"schema": rec(name)})
    call(server, "DELETE", "/subjects/reuse/versions/2")
    call(server, "DELETE", "/subjects/reuse/versions/2?permanent=true")
    status, body, _ = call(server, "POST", "/subjects/reuse/versions", {"schema": rec("V3")})
    row("4. register after v2 deleted for good", code(status, body), f"version {body.get('version')}")
    # 5. long prefix
    status, body, took = call(server, "GET", "/subjects?subjectPrefix=" + "a" * 60_000)
    row("5. subjectPrefix of 60 KB", code(status, body), f"{took * 1000:.0f} ms")


# --- slow and greedy clients ------------------------------------------------------------------

def slow_clients(server):
    probe = Probe(server)
    socks = []
    for _ in range(1300):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"POST /subjects/slow/versions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                  b"content-length: 100\r\n\r\n{")
        socks.append(s)
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline:
        time.sleep(1)
        for s in socks:
            try:
                s.sendall(b" ")
            except OSError:
                pass
    answers = {}
    for s in socks:
        s.settimeout(5)
        try:
            head = s.recv(12).decode(errors="replace")
            answers[head[9:12]] = answers.get(head[9:12], 0) + 1
        except OSError:
            answers["none"] = answers.get("none", 0) + 1
        s.close()
    row("3. 1,300 bodies, one byte a second for 12 s", f"answers {answers}",
        "408 within the 10 s body timeout; past 1,024 per address, closed at once", probe.finish())

    s = socket.create_connection(("127.0.0.1", server.port))
    started = time.monotonic()
    s.sendall(b"POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
              b"content-length: 2000000\r\n\r\n")
    head = s.recv(12).decode(errors="replace")
    row("3. declared Content-Length 2,000,000", head[9:12], f"{(time.monotonic() - started) * 1000:.0f} ms, no body sent")
    s.close()

    probe = Probe(server)
    stuck = []
    for _ in range(1100):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"GET /schemas/ids/1 HTTP/1.1\r\nhost:")
        stuck.append(s)
    status, _, took = call(server, "GET", "/schemas/ids/1", source=PROBE_ADDRESS)
    closed = 0
    for s in stuck:
        s.settimeout(20)
        try:
            closed += s.recv(1) == b""
        except OSError:
            closed += 1  # reset: closed at once, over the per-address cap
        s.close()
    row("3. 1,100 connections never finishing headers", f"new client {status} in {took * 1000:.0f} ms",
        f"{closed} closed by the server", probe.finish())


def bad_keys(binary):
    server = Server(binary, {"AUTH_ENABLED": "true", "AUTH_PUBLIC_READS": "true"})
    try:
        seen = {}
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        while time.monotonic() - started < 5:
            n = sum(seen.values())
            conn.request("GET", "/subjects", headers={"authorization": f"Bearer lsr_{n:024x}_{'0' * 48}"})
            r = conn.getresponse()
            r.read()
            seen[r.status] = seen.get(r.status, 0) + 1
        row("6. bad keys from one address for 5 s", f"answers {seen}",
            f"{seen.get(401, 0) / 5:.0f} looked up per second")
    finally:
        server.stop()


def cross_site(server):
    status, body, _ = call(server, "POST", "/subjects/cross/versions", '{"schema": "\\"string\\""}',
                           headers={"origin": "https://evil.example", "content-type": "text/plain"})
    row("7. no-cors POST from another site, auth off", code(status, body), "nothing written")


def edges(binary):
    def fake(answer):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(6)
        seen = []

        def serve():
            try:
                while True:
                    c, _ = listener.accept()
                    seen.append(c.recv(65536))
                    c.sendall(answer)
                    c.close()
            except OSError:
                pass
        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}", seen, listener

    target, target_seen, t_l = fake(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
    redirect, _, r_l = fake(f"HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}/steal\r\ncontent-length: 0\r\n\r\n".encode())
    chatty, _, c_l = fake(b"HTTP/1.1 500 Oops\r\ncontent-length: 24\r\n\r\nthe-internal-secret-is-X")
    server = Server(binary, {"INVALIDATION_SECRET": "s", "DISPATCH_POLL_MS": "100"})
    try:
        for url in (redirect, chatty):
            call(server, "POST", "/admin/edges", {"url": url})
        call(server, "POST", "/subjects/e/versions", {"schema": '"string"'})
        time.sleep(2)
        _, listed, _ = call(server, "GET", "/admin/edges")
        errors = sorted(e["last_error"] or "" for e in listed)
        leaked = any("secret" in e for e in errors)
        row("8. edges that redirect and answer with a body", f"last_error {errors}",
            f"redirect target reached {len(target_seen)} times, reply shown: {leaked}")
    finally:
        server.stop()
        for listener in (t_l, r_l, c_l):
            listener.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/schema-registry-server")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    server = Server(args.bin, {})
    try:
        call(server, "POST", "/subjects/probe/versions",
             {"schema": json.dumps({"type": "record", "name": "P", "fields": [{"name": "a", "type": "int"}]})})
        compatibility_bombs(server)
        numbers(server)
        slow_clients(server)
        cross_site(server)
    finally:
        server.stop()
    bad_keys(args.bin)
    edges(args.bin)
    print()
    print("| attack | answer | figure | a well-behaved client meanwhile |")
    print("|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
