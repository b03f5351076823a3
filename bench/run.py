#!/usr/bin/env python3
"""make bench: the emulator against the ceiling (bench/ceiling.c) on the same machine, in the same run.

Seeds 100,000 contacts (one identity with 100,000 messages) and a year of support history, runs wrk on loopback against both servers, alternating,
at 1 and 32 connections, measures start-up, memory and the move of the 100,000-message identity, and writes
BENCHMARKS.md. Every request count and duration is bounded (BENCH_SECONDS per wrk run, default 5).
"""
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from base64 import b64encode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".build", "bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
EMULATOR_PORT, CEILING_PORT = 18301, 18302
AUTH = "Basic " + b64encode(b"bench@example.com:bench-token").decode()


def run(command, **options):
    return subprocess.run(command, check=True, text=True, capture_output=True, **options).stdout


def wait_for(port, path, headers=None, timeout=30.0):
    """Polls until GET path answers 200; returns the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path, headers=headers or {})
            if connection.getresponse().status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.001)
    raise SystemExit(f"nothing answered 200 on {port}{path}")


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def lua(name, body):
    path = os.path.join(WORK, name + ".lua")
    with open(path, "w") as script:
        script.write(body)
    return path


def wrk(port, script, connections):
    threads = 1 if connections == 1 else 2
    output = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "-s", script,
                  f"http://127.0.0.1:{port}"])
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label):
        value, unit = re.search(label + r"%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"non-2xx answers during a benchmark run:\n{output}")
    return {"rate": rate, "p50": percentile("50"), "p99": percentile("99")}


HEADERS = f'wrk.headers["Authorization"] = "{AUTH}"\nwrk.headers["Content-Type"] = "application/json"\n'
SCRIPTS = {
    "get_contact": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "get_identities": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, 99999) .. "@example.com/identities")\nend\n',
    "search": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts?q=c" .. math.random(10000, 99999) .. "@")\nend\n',
    # Each wrk thread gets its own id, and each run its own start time, so every email is new.
    "create_contact": HEADERS + 'local counter = 0\nlocal threads = 0\n'
    'setup = function(thread)\n  threads = threads + 1\n  thread:set("prefix", os.time() .. "t" .. threads)\nend\n'
    'request = function()\n  counter = counter + 1\n'
    '  return wrk.format("POST", "/api/v1/contacts", nil, \'{"contact":{"name":"New","email":"n\' .. prefix .. "-" '
    '.. counter .. \'@example.com"}}\')\nend\n',
    "move_identity": HEADERS + 'local flip = false\nrequest = function()\n  flip = not flip\n'
    '  local target = flip and "mover-b" or "mover-a"\n'
    '  return wrk.format("POST", "/api/v1/contacts/" .. target .. "@example.com/identities", nil, '
    '\'{"identity":{"type":"email","identifier":"moving@example.com"}}\')\nend\n',
    "search_articles": HEADERS + 'local words = {"shipping", "refunds for item 42", "option 17,", "feature 4999", "nothing"}\n'
    'request = function()\n'
    '  return wrk.format("GET", "/api/v1/articles?q=" .. words[math.random(1, #words)]:gsub(" ", "%%20"))\nend\n',
    "list_templates": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/response_templates?page=" .. math.random(1, 30))\nend\n',
    "report_response_time": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/reports/response_time")\nend\n',
    "ceiling_read": 'request = function()\n'
    '  return wrk.format("GET", "/read?email=c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "ceiling_write": 'request = function() return wrk.format("POST", "/write") end\n',
}
SCENARIOS = [  # (label, emulator script, ceiling script)
    ("GET /contacts/{email}", "get_contact", "ceiling_read"),
    ("GET /contacts/{email}/identities", "get_identities", "ceiling_read"),
    ("GET /contacts?q= (100,000 contacts)", "search", "ceiling_read"),
    ("POST /contacts (unique bodies)", "create_contact", "ceiling_write"),
    ("POST …/identities (move back and forth)", "move_identity", "ceiling_write"),
    ("GET /articles?q= (5,000 articles)", "search_articles", "ceiling_read"),
    ("GET /response_templates (1,000 templates, a page of 30)", "list_templates", "ceiling_read"),
    ("GET /reports/response_time (a year: 50,000 conversations, 250,000 messages)", "report_response_time",
     "ceiling_read"),
]


def move_heavy_identity():
    """Times POST …/identities moving heavy@ (100,000 messages) and moving@ (none) between contacts."""
    def move(target, identifier):
        connection = http.client.HTTPConnection("127.0.0.1", EMULATOR_PORT, timeout=30)
        body = '{"identity":{"type":"email","identifier":"%s"}}' % identifier
        started = time.perf_counter()
        connection.request("POST", f"/api/v1/contacts/{target}/identities", body=body, headers={"Authorization": AUTH})
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status == 200, response.status
        return elapsed
    heavy = [move("mover-a@example.com" if i % 2 == 0 else "mover-b@example.com", "heavy@example.com") for i in range(10)]
    light = [move("mover-a@example.com" if i % 2 == 0 else "mover-b@example.com", "moving@example.com") for i in range(10)]
    return statistics.median(heavy), max(heavy), statistics.median(light), max(light)


def startup_with_demo(binary):
    """Median time from spawn to the first 200 of an authenticated API call, demo fixtures into :memory:."""
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        process = subprocess.Popen([binary, "--port", "18303", "--database", ":memory:", "--fixtures",
                                    os.path.join(ROOT, "fixtures", "demo.json"), "--log-level", "error"],
                                   stdout=subprocess.DEVNULL)
        auth = {"Authorization": "Basic " + b64encode(b"demo@example.com:demo-token").decode()}
        wait_for(18303, "/api/v1/contacts", auth)
        samples.append((time.perf_counter() - started) * 1000)
        idle = rss_kib(process.pid, "VmRSS")
        process.terminate()
        process.wait()
    return statistics.median(samples), idle


def large_bodies(binary):
    """Median of 5 answers to bodies that stress the JSON parser; both are refused (422) right after the parse."""
    process = subprocess.Popen([binary, "--port", "18304", "--database", ":memory:", "--log-level", "error"],
                               stdout=subprocess.DEVNULL)
    auth = {"Authorization": "Basic " + b64encode(b"demo@example.com:demo-token").decode(),
            "Content-Type": "application/json"}

    def timed(method, path, body, headers):
        samples = []
        for _ in range(5):
            connection = http.client.HTTPConnection("127.0.0.1", 18304, timeout=120)
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status == 422, response.status
        return statistics.median(samples)
    try:
        wait_for(18304, "/__emulator/health")
        # 100,000 keys in 1,000,036 bytes: under the 1 MiB API limit.
        keys = ",".join('"%05x":1' % index for index in range(100_000))
        many_keys = ('{"contact":{"name":"x"},"padding":{%s}}' % keys).encode()
        entries = ",".join('{"name":"n%d","email":"e%d@example.com","v":"%s"}' % (i, i, "x" * 100)
                           for i in range(55_000))
        state = ('{"accounts":"refused after the parse","padding":[%s]}' % entries).encode()
        return (len(many_keys), timed("POST", "/api/v1/contacts", many_keys, auth),
                len(state), timed("PUT", "/__emulator/state", state, {"Content-Type": "application/json"}))
    finally:
        process.terminate()
        process.wait()


# Sections of BENCHMARKS.md that other commands write (make soak, make bench-compare); make bench keeps them.
KEPT_SECTIONS = ["Before and after", "Soak"]


def section(text, title):
    """The `## title` section of a Markdown text, up to the next `## ` heading, or None."""
    marker = f"\n## {title}\n"
    if marker not in text:
        return None
    body = text.split(marker, 1)[1]
    end = body.find("\n## ")
    return f"## {title}\n" + (body if end < 0 else body[:end + 1]).rstrip("\n") + "\n"


def replace_section(text, title, new_section):
    """The text with its `## title` section replaced by `new_section`, or with it appended."""
    old = section(text, title)
    if old is None:
        return text.rstrip("\n") + "\n\n" + new_section.rstrip("\n") + "\n"
    return text.replace(old.rstrip("\n"), new_section.rstrip("\n"), 1)


def release_binary():
    """Builds the release emulator; its path."""
    os.makedirs(WORK, exist_ok=True)
    run(["swift", "build", "-c", "release", "--product", "reamaze-emulator"], cwd=ROOT)
    return os.path.join(run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT).strip(),
                        "reamaze-emulator")


def remove_database(path):
    """Deletes a database file with its WAL and shared-memory files."""
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    print("building the release emulator and the ceiling…", flush=True)
    binary = release_binary()
    ceiling = os.path.join(WORK, "ceiling")
    run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", ceiling, os.path.join(ROOT, "bench", "ceiling.c"),
         "-lmicrohttpd", "-lsqlite3"])

    database = os.path.join(WORK, "emulator.sqlite")
    ceiling_database = os.path.join(WORK, "ceiling.sqlite")
    for path in [database, ceiling_database]:
        remove_database(path)
    common = [binary, "--port", str(EMULATOR_PORT), "--database", database, "--login", "bench@example.com",
              "--token", "bench-token", "--brand", "bench", "--log-level", "error"]
    print("seeding 100,000 contacts, a 100,000-message identity and a year of history…", flush=True)
    migrate = subprocess.Popen(common, stdout=subprocess.DEVNULL)
    wait_for(EMULATOR_PORT, "/__emulator/health")
    migrate.terminate()
    migrate.wait()
    for seed in ["seed.sql", "seed-year.sql"]:
        run(["sqlite3", database], input=open(os.path.join(ROOT, "bench", seed)).read())

    startup_ms, idle_demo_kib = startup_with_demo(binary)
    keys_bytes, keys_ms, state_bytes, state_ms = large_bodies(binary)
    emulator = subprocess.Popen(common, stdout=subprocess.DEVNULL)
    ceiling_process = subprocess.Popen([ceiling, str(CEILING_PORT), ceiling_database], stdout=subprocess.DEVNULL)
    try:
        wait_for(EMULATOR_PORT, "/__emulator/health")
        wait_for(CEILING_PORT, "/read?email=c1@example.com")
        idle_seeded_kib = rss_kib(emulator.pid, "VmRSS")
        scripts = {name: lua(name, body) for name, body in SCRIPTS.items()}
        rows = []
        for label, mine, theirs in SCENARIOS:
            for connections in (1, 32):
                print(f"{label} at {connections} connection(s)…", flush=True)
                emulated = wrk(EMULATOR_PORT, scripts[mine], connections)
                ceiling_result = wrk(CEILING_PORT, scripts[theirs], connections)
                rows.append((label, connections, emulated, ceiling_result, theirs))
        heavy_median, heavy_max, light_median, light_max = move_heavy_identity()
        peak_kib = rss_kib(emulator.pid, "VmHWM")
    finally:
        emulator.terminate()
        ceiling_process.terminate()
        emulator.wait()
        ceiling_process.wait()

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}): the release emulator against",
        "the ceiling, `bench/ceiling.c` — libmicrohttpd and SQLite doing the least a request can (one indexed read",
        "answering a small JSON document, or one INSERT and its COMMIT) with the emulator's threading and WAL",
        "settings — in the same run, alternating, with wrk on loopback sharing the cores.",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, "
        f"{platform.system()} {platform.release()}",
        "- Data: 100,000 contacts with an email identity each; one identity carrying a conversation of 100,000 messages;",
        "  a year of history ending now (50,000 conversations of 5 messages, 100,000 of them timed staff answers),",
        "  5,000 articles and 1,000 response templates (`bench/seed.sql`, `bench/seed-year.sql`)",
        f"- Each row: wrk for {SECONDS} s at 1 connection (1 thread) and at 32 connections (2 threads), `--latency`",
        f"- Command: `make bench` (BENCH_SECONDS={SECONDS})",
        "",
        "| request | conn | emulator req/s | p50 ms | p99 ms | ceiling | ceiling req/s | p50 ms | p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for label, connections, emulated, ceiling_result, theirs in rows:
        ratio = emulated["rate"] / ceiling_result["rate"]
        lines.append(
            f"| {label} | {connections} | {emulated['rate']:,.0f} | {emulated['p50']:.2f} | {emulated['p99']:.2f} | "
            f"{'read' if theirs == 'ceiling_read' else 'write'} | {ceiling_result['rate']:,.0f} | "
            f"{ceiling_result['p50']:.2f} | {ceiling_result['p99']:.2f} | {ratio:.2f}x |")
    lines += [
        "",
        "| figure | measured |",
        "|---|---|",
        f"| start-up to the first 200 (demo fixtures into `:memory:`, median of 5) | {startup_ms:.1f} ms |",
        f"| idle RSS after start-up with the demo data | {idle_demo_kib / 1024:.1f} MiB |",
        f"| idle RSS on the seeded 100,000-contact database | {idle_seeded_kib / 1024:.1f} MiB |",
        f"| peak RSS over the whole run | {peak_kib / 1024:.1f} MiB |",
        f"| moving the identity with 100,000 messages (median / max of 10) | {heavy_median:.2f} / {heavy_max:.2f} ms |",
        f"| moving an identity with no messages (median / max of 10) | {light_median:.2f} / {light_max:.2f} ms |",
        f"| `POST /contacts` with a {keys_bytes / 2**20:.2f} MiB body of 100,000 keys, parsed then refused (median of 5) | "
        f"{keys_ms:.0f} ms |",
        f"| `PUT /__emulator/state` with a {state_bytes / 2**20:.1f} MiB document, parsed then refused (median of 5) | "
        f"{state_ms:.0f} ms |",
        "",
    ]
    with open(os.path.join(ROOT, "bench", "analysis.md")) as analysis:
        lines += ["", analysis.read()]
    path = os.path.join(ROOT, "BENCHMARKS.md")
    previous = open(path).read() if os.path.exists(path) else ""
    for title in KEPT_SECTIONS:
        kept = section(previous, title)
        if kept:
            lines += [kept.rstrip("\n"), ""]
    with open(path, "w") as out:
        out.write("\n".join(lines))
    print("\n".join(lines[: lines.index("") + 40]))


if __name__ == "__main__":
    for tool in ["wrk", "sqlite3", "cc"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: run `make bench`, which installs it")
    main()
