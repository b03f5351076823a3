#!/usr/bin/env python3
"""make bench: the emulator against the ceiling (bench/ceiling.c) on the same machine, in the same run.

Seeds 100,000 contacts (one identity with 100,000 messages) and a year of support history, runs wrk on loopback against both servers, alternating,
at 1 and 32 connections, measures start-up, memory and the move of the 100,000-message identity, the noise floor
(the same emulator measured against itself), and writes BENCHMARKS.md. Every request count and duration is bounded: each row of the main table is BENCH_ROUNDS (default 3)
alternating wrk runs of BENCH_SECONDS (default 2) against each server, reported as medians.
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
SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
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


def wrk(port, script, connections, seconds=SECONDS):
    threads = 1 if connections == 1 else 2
    output = run_wrk(port, script, threads, connections, seconds)
    return {"rate": rate(output), "p50": percentile(output, "50"), "p99": percentile(output, "99")}


def run_wrk(port, script, threads, connections, seconds):
    """wrk's output, once it is sure that requests completed and none was answered with an error, and once the
    server has finished the requests wrk left it (``settle``)."""
    output = run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                  f"http://127.0.0.1:{port}"])
    settle(port)
    if rate(output) == 0:
        raise SystemExit(f"no request completed during a benchmark run of {script}:\n{output}")
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise SystemExit(f"non-2xx answers during a benchmark run:\n{output}")
    return output


# The benchmarked servers by port, for `settle`.
SERVERS = {}


def serving(port, process):
    """Registers the server process listening on `port`; returns it."""
    SERVERS[port] = process
    return process


def settle(port, quiet=0.1, limit=120):
    """Waits until the server on `port` uses no CPU for `quiet` seconds (at most `limit` seconds).

    wrk stops at the end of its run with a request in flight on every connection, and a server goes on computing
    answers no one reads: after 2 s of the message page at 32 connections the emulator computed for 2 s more, on
    both cores. Without this wait that work ran in the next run, against the other server, and the rows after the
    slow ones (the writes after the message page) measured both servers on a busy machine."""
    process = SERVERS.get(port)
    if process is None or process.poll() is not None:
        return
    deadline = time.monotonic() + limit
    used = cpu_ticks(process.pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_ticks(process.pid)
        if now == used:
            return
        used = now


def cpu_times(pid):
    """The user and the system clock ticks a process has used, all its threads together."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def cpu_ticks(pid):
    """User and system clock ticks a process has used, all its threads together."""
    return sum(cpu_times(pid))


def rate(output):
    """The requests a second of wrk's output."""
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def percentile(output, label):
    """A latency percentile of wrk's `--latency` output, in ms."""
    value, unit = re.search(label + r"%\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# Appended to a script by `one_at_a_time`: times each request from the moment wrk asks for it to its answer, and
# prints the count, p50, p99 and maximum of those times at the end. Only meaningful at one connection, where a
# thread's answers come back in the order of its requests.
TIMED = """
local timed_ffi = require("ffi")
timed_ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } timed_timespec;
int clock_gettime(int clock, timed_timespec *now);
]]
local timed_clock = timed_ffi.new("timed_timespec")
local function timed_microseconds()
  timed_ffi.C.clock_gettime(1, timed_clock)
  return tonumber(timed_clock.tv_sec) * 1000000 + tonumber(timed_clock.tv_nsec) / 1000
end
local timed_threads = {}
local timed_setup = setup
setup = function(thread)
  timed_threads[#timed_threads + 1] = thread
  if timed_setup then timed_setup(thread) end
end
local timed_request = request
local timed_sent = 0
timed_latencies = {}
request = function()
  timed_sent = timed_microseconds()
  return timed_request()
end
response = function()
  timed_latencies[#timed_latencies + 1] = timed_microseconds() - timed_sent
end
done = function()
  local all = {}
  for _, thread in ipairs(timed_threads) do
    for _, value in ipairs(thread:get("timed_latencies")) do all[#all + 1] = value end
  end
  table.sort(all)
  local function at(share) return all[math.max(1, math.ceil(#all * share))] / 1000 end
  io.write(string.format("timed: %d requests, p50 %.3f p99 %.3f max %.3f ms\\n", #all, at(0.5), at(0.99), at(1)))
end
"""


def one_at_a_time(port, script, seconds=3):
    """Each request's own time at 1 connection (p50, p99, max ms), with wrk's p99 of the same run beside them.

    wrk's percentiles are corrected for coordinated omission: for every answer slower than the run's mean interval
    it also counts the requests a client sending at a fixed rate would have queued behind it, so one 30 ms stall
    among 10,000 answers of 0.4 ms weighs as about 75 slow requests. A client that waits for each answer, as a test
    suite does, sees these times instead."""
    timed = script[:-len(".lua")] + "-timed.lua"
    with open(timed, "w") as out:
        out.write(open(script).read() + TIMED)
    output = run_wrk(port, timed, 1, 1, seconds)
    count, p50, p99, worst = re.search(r"timed: (\d+) requests, p50 ([\d.]+) p99 ([\d.]+) max ([\d.]+) ms",
                                       output).groups()
    return {"count": int(count), "p50": float(p50), "p99": float(p99), "max": float(worst),
            "wrk_p99": percentile(output, "99")}


HEADERS = f'wrk.headers["Authorization"] = "{AUTH}"\nwrk.headers["Content-Type"] = "application/json"\n'
SCRIPTS = {
    "get_contact": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "get_identities": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, 99999) .. "@example.com/identities")\nend\n',
    "get_notes": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, 99999) .. "@example.com/notes")\nend\n',
    "get_conversation": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/conversations/year-" .. math.random(0, 49999))\nend\n',
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
    "list_contacts": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/contacts?page=" .. math.random(1, 30))\nend\n',
    "list_conversations": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/conversations?page=" .. math.random(1, 30))\nend\n',
    "list_messages": HEADERS + 'request = function()\n'
    '  return wrk.format("GET", "/api/v1/messages?page=" .. math.random(1, 30))\nend\n',
    "ceiling_read": 'request = function()\n'
    '  return wrk.format("GET", "/read?email=c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "ceiling_read_kept": 'request = function()\n'
    '  return wrk.format("GET", "/read-kept?email=c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "ceiling_write": 'request = function() return wrk.format("POST", "/write") end\n',
    "ceiling_search": 'request = function()\n'
    '  return wrk.format("GET", "/page/search?q=c" .. math.random(10000, 99999) .. "@")\nend\n',
    "ceiling_contact": 'request = function()\n'
    '  return wrk.format("GET", "/contact?email=c" .. math.random(0, 99999) .. "@example.com")\nend\n',
    "ceiling_conversation": 'request = function()\n'
    '  return wrk.format("GET", "/conversation?slug=year-" .. math.random(0, 49999))\nend\n',
    "ceiling_create": 'wrk.headers["Content-Type"] = "application/json"\nlocal counter = 0\nlocal threads = 0\n'
    'setup = function(thread)\n  threads = threads + 1\n  thread:set("prefix", os.time() .. "t" .. threads)\nend\n'
    'request = function()\n  counter = counter + 1\n'
    '  local email = "n" .. prefix .. "-" .. counter .. "@example.com"\n'
    '  return wrk.format("POST", "/create?email=" .. email, nil, \'{"contact":{"name":"New","email":"\' .. email '
    '.. \'"}}\')\nend\n',
    "ceiling_move": 'wrk.headers["Content-Type"] = "application/json"\nlocal flip = false\nrequest = function()\n'
    '  flip = not flip\n'
    '  local target = flip and "mover-b" or "mover-a"\n'
    '  return wrk.format("POST", "/move?to=" .. target .. "@example.com", nil,\n'
    '    \'{"identity":{"type":"email","identifier":"moving@example.com"}}\')\nend\n',
    "ceiling_contacts": 'request = function()\n'
    '  return wrk.format("GET", "/page/contacts?page=" .. math.random(1, 30))\nend\n',
    "ceiling_conversations": 'request = function()\n'
    '  return wrk.format("GET", "/page/conversations?page=" .. math.random(1, 30))\nend\n',
    "ceiling_messages": 'request = function()\n'
    '  return wrk.format("GET", "/page/messages?page=" .. math.random(1, 30))\nend\n',
}
# What each ceiling script does, as the table names it.
CEILINGS = {
    "ceiling_read": "one-row read",
    "ceiling_read_kept": "one-row read, snapshot kept",
    "ceiling_write": "one-row write",
    "ceiling_search": "same search",
    "ceiling_contact": "same read",
    "ceiling_conversation": "same read",
    "ceiling_create": "same insert",
    "ceiling_move": "same move",
    "ceiling_contacts": "same page",
    "ceiling_conversations": "same page",
    "ceiling_messages": "same page",
}
SCENARIOS = [  # (label, emulator script, ceiling script)
    ("GET /contacts/{email}", "get_contact", "ceiling_read"),
    ("GET /contacts/{email} (against the same read in C)", "get_contact", "ceiling_contact"),
    ("GET /contacts/{email}/identities", "get_identities", "ceiling_read"),
    ("GET /contacts/{email}/notes", "get_notes", "ceiling_read"),
    ("GET /conversations/{slug} (of 50,000)", "get_conversation", "ceiling_read"),
    ("GET /conversations/{slug} (against the same read in C)", "get_conversation", "ceiling_conversation"),
    # The one-row read keeping its read transaction between requests, as the emulator's readers do: how much of
    # the ratios above is the emulator doing less per read than the ceiling does.
    ("GET /contacts/{email} (against the one-row read keeping its snapshot)", "get_contact", "ceiling_read_kept"),
    ("GET /contacts/{email}/identities (against the one-row read keeping its snapshot)", "get_identities",
     "ceiling_read_kept"),
    ("GET /contacts/{email}/notes (against the one-row read keeping its snapshot)", "get_notes", "ceiling_read_kept"),
    ("GET /conversations/{slug} (against the one-row read keeping its snapshot)", "get_conversation",
     "ceiling_read_kept"),
    ("GET /contacts?q= (100,000 contacts)", "search", "ceiling_search"),
    ("GET /contacts (a page of 30 of 100,000, sorted by name)", "list_contacts", "ceiling_contacts"),
    ("GET /conversations (a page of 30 of 40,000)", "list_conversations", "ceiling_conversations"),
    ("GET /messages (a page of 30 of 350,000)", "list_messages", "ceiling_messages"),
    ("POST /contacts (unique bodies)", "create_contact", "ceiling_write"),
    ("POST /contacts (unique bodies; against the same insert in C)", "create_contact", "ceiling_create"),
    ("POST …/identities (move back and forth)", "move_identity", "ceiling_write"),
    ("POST …/identities (move; against the same move in C)", "move_identity", "ceiling_move"),
    ("GET /articles?q= (5,000 articles)", "search_articles", "ceiling_read"),
    ("GET /response_templates (1,000 templates, a page of 30)", "list_templates", "ceiling_read"),
    ("GET /reports/response_time (a year: 50,000 conversations, 250,000 messages)", "report_response_time",
     "ceiling_read"),
]
# The writes, whose latency at 1 connection is also timed request by request (`one_at_a_time`), against the one-row
# write.
WRITES = {"create_contact", "move_identity"}
# BENCH_ONLY=<text>: only the rows whose label contains it, printed, BENCHMARKS.md left as it is (to look again at
# one figure while working on it).
ONLY = os.environ.get("BENCH_ONLY")


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


def alternate(servers, connections, rounds=3, seconds=3):
    """wrk against each (name, port, script) in turn, `rounds` times; each server's median rate, p50 and p99. A
    slow moment of the shared machine then lands in one round of one server, not in a whole figure."""
    results = {name: [] for name, _, _ in servers}
    for _ in range(rounds):
        for name, port, script in servers:
            results[name].append(wrk(port, script, connections, seconds))
    return {name: {key: statistics.median(run[key] for run in runs) for key in ("rate", "p50", "p99")}
            for name, runs in results.items()}


def start_emulator(binary, port, database, *extra):
    process = serving(port, subprocess.Popen(emulator_command(binary, port, database, *extra),
                                             stdout=subprocess.DEVNULL))
    wait_for(port, "/__emulator/health")
    return process


def stop(*processes):
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    assert response.status in (200, 204), (method, path, response.status)


OVERHEAD_ROWS = [  # (label, script, connections)
    ("GET /contacts/{email}", "get_contact", 1),
    ("GET /contacts/{email}", "get_contact", 32),
    ("POST …/identities (move)", "move_identity", 32),
]


SAME_ROWS = [  # (label, script, connections)
    ("GET /contacts/{email}", "get_contact", 1),
    ("GET /contacts/{email}", "get_contact", 32),
]


def two_emulators(binary, seeded, scripts, title, files, sides, scenarios, rounds, seconds):
    """Two emulators on copies of the seeded data (WORK/<files>-<name>.sqlite), each side (name, port, extra
    arguments), alternating over the scenarios (label, script, connections): rows of (label, connections, the first
    side's medians, the second side's)."""
    processes = [start_emulator(binary, port, copy_database(seeded, os.path.join(WORK, f"{files}-{name}.sqlite")),
                                *extra) for name, port, extra in sides]
    try:
        rows = []
        for label, script, connections in scenarios:
            print(f"{title}: {label} at {connections} connection(s)…", flush=True)
            result = alternate([(name, port, scripts[script]) for name, port, _ in sides], connections, rounds, seconds)
            rows.append((label, connections) + tuple(result[name] for name, _, _ in sides))
        return rows
    finally:
        stop(*processes)


def overhead(binary, seeded, scripts):
    """The same requests with the journal and a rate limit on (a limit never reached) and with both off."""
    sides = [("on", 18305, ["--rate-limit", "1000000000"]), ("off", 18306, ["--journal-size", "0"])]
    return two_emulators(binary, seeded, scripts, "journal and rate limiter", "overhead", sides, OVERHEAD_ROWS, 3, 3)


def same_twice(binary, seeded, scripts):
    """Two identical emulators (one binary, two copies of the seeded data) alternating exactly as a main-table row
    alternates the emulator and the ceiling: how far from 1.00x a ratio of equals lands in this run."""
    sides = [("first", 18307, []), ("second", 18308, [])]
    return two_emulators(binary, seeded, scripts, "the same emulator twice", "same", sides, SAME_ROWS, ROUNDS,
                         SECONDS)


def pair_table(first, second, rows):
    """The lines of a table of two emulators' rows from ``two_emulators``: each side's rate and p99, and their ratio."""
    lines = [f"| request | conn | {first} req/s | {second} req/s | {first} / {second} | {first} p99 ms | "
             f"{second} p99 ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for label, connections, a, b in rows:
        lines.append(f"| {label} | {connections} | {a['rate']:,.0f} | {b['rate']:,.0f} | "
                     f"{a['rate'] / b['rate']:.2f}x | {a['p99']:.2f} | {b['p99']:.2f} |")
    return lines


THREAD_COUNTS = [1, 2, 4, 8]
THREAD_ROWS = [("GET /contacts/{email}", "get_contact"), ("POST …/identities (move)", "move_identity")]


def worker_threads(binary, seeded, scripts):
    """Requests/s and p99 at 32 connections for each worker-thread count, the counts alternating."""
    servers = []
    for index, count in enumerate(THREAD_COUNTS):
        database = copy_database(seeded, os.path.join(WORK, f"threads-{count}.sqlite"))
        servers.append((count, 18320 + index, start_emulator(binary, 18320 + index, database, "--threads", str(count))))
    try:
        table = {}
        for label, script in THREAD_ROWS:
            print(f"worker threads: {label}…", flush=True)
            table[label] = alternate([(count, port, scripts[script]) for count, port, _ in servers], 32, rounds=2)
        return table
    finally:
        stop(*(process for _, _, process in servers))


def growth_sizes():
    return [1_000, 10_000, 100_000] + ([1_000_000] if os.environ.get("BENCH_SCALE") == "full" else [])


def growth(binary, scripts):
    """For each size: read, search and move latencies at 1 connection, reset time, database size and idle RSS."""
    empty = os.path.join(WORK, "growth-empty.sqlite")
    remove_database(empty)
    stop(start_emulator(binary, 18330, empty))
    run(["sqlite3", empty, "PRAGMA wal_checkpoint(TRUNCATE);"])
    seed = open(os.path.join(ROOT, "bench", "seed-growth.sql")).read()
    search = lua("growth_search", HEADERS + 'request = function()\n'
                 '  return wrk.format("GET", "/api/v1/contacts?q=c" .. math.random(100, 999) .. "@")\nend\n')
    rows = []
    for count in growth_sizes():
        print(f"growth: {count:,} contacts…", flush=True)
        database = copy_database(empty, os.path.join(WORK, "growth.sqlite"))
        started = time.perf_counter()
        run(["sqlite3", database], input=f".parameter set :count {count}\n" + seed)
        run(["sqlite3", database, "PRAGMA wal_checkpoint(TRUNCATE);"])
        seeding = time.perf_counter() - started
        size = os.path.getsize(database)
        read = lua("growth_read", HEADERS + 'request = function()\n'
                   f'  return wrk.format("GET", "/api/v1/contacts/c" .. math.random(0, {count - 1}) .. "@example.com")'
                   '\nend\n')
        process = start_emulator(binary, 18330, database)
        try:
            idle = rss_kib(process.pid, "VmRSS")
            figures = {name: wrk(18330, script, 1, 3) for name, script in
                       [("read", read), ("search", search), ("move", scripts["move_identity"])]}
            resets = []
            for _ in range(5):
                started = time.perf_counter()
                request(18330, "POST", "/__emulator/reset")
                resets.append((time.perf_counter() - started) * 1000)
        finally:
            stop(process)
        rows.append((count, figures, statistics.median(resets), size, idle, seeding))
    return rows


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


# The release build as the Docker image and `make install` make it (scripts/release-build.sh): the Swift runtime
# linked in, which also spares every start the dynamic loader's work on the runtime's libraries (about 5 ms of a
# start-up here), and the code optimized with a profile of a training run on the demo data. Its C target's debug
# information in DWARF 4, not clang's default 5, which Debian 12's valgrind (3.19) cannot read: with it,
# bench/instructions.py stops at start-up ("Possibly corrupted debuginfo file").
RELEASE_FLAGS = ["-Xcc", "-gdwarf-4"]


def release_binary(source=ROOT):
    """Builds the release emulator of the tree at `source`; its path. A tree from before scripts/release-build.sh
    (`make bench-compare` with an older BASE) is built as it was then: without a profile."""
    os.makedirs(WORK, exist_ok=True)
    script = os.path.join(source, "scripts", "release-build.sh")
    if os.path.exists(script):
        return run([script] + RELEASE_FLAGS, cwd=source).strip()
    build = ["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "reamaze-emulator"]
    run(build + RELEASE_FLAGS, cwd=source)
    return os.path.join(run(build + RELEASE_FLAGS + ["--show-bin-path"], cwd=source).strip(), "reamaze-emulator")


def remove_database(path):
    """Deletes a database file with its WAL and shared-memory files."""
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def seeded_database(binary):
    """The seeded 100,000-contact database, made once per run (BENCH_ONLY reuses it while newer than the binary and
    the seeds); a pristine file the runs copy from."""
    seeded = os.path.join(WORK, "seeded.sqlite")
    sources = [binary] + [os.path.join(ROOT, "bench", seed) for seed in ["seed.sql", "seed-year.sql"]]
    if ONLY and os.path.exists(seeded) and os.path.getmtime(seeded) > max(map(os.path.getmtime, sources)):
        return seeded
    remove_database(seeded)
    print("seeding 100,000 contacts, a 100,000-message identity and a year of history…", flush=True)
    migrate = subprocess.Popen([binary, "--port", str(EMULATOR_PORT), "--database", seeded, "--login",
                                "bench@example.com", "--token", "bench-token", "--brand", "bench", "--log-level",
                                "error"], stdout=subprocess.DEVNULL)
    wait_for(EMULATOR_PORT, "/__emulator/health")
    migrate.terminate()
    migrate.wait()
    for seed in ["seed.sql", "seed-year.sql"]:
        run(["sqlite3", seeded], input=open(os.path.join(ROOT, "bench", seed)).read())
    run(["sqlite3", seeded, "PRAGMA wal_checkpoint(TRUNCATE);"])
    return seeded


def copy_database(source, target):
    """A fresh copy of a checkpointed database file."""
    remove_database(target)
    shutil.copyfile(source, target)
    return target


def emulator_command(binary, port, database, *extra):
    return [binary, "--port", str(port), "--database", database, "--login", "bench@example.com", "--token",
            "bench-token", "--brand", "bench", "--log-level", "error", *extra]


def main():
    print("building the release emulator and the ceiling…", flush=True)
    binary = release_binary()
    ceiling = os.path.join(WORK, "ceiling")
    # The ceiling writes through the emulator's own VFS (a commit's log frames in one system call), as it does.
    batch = os.path.join(ROOT, "Sources", "CSQLiteWALBatch")
    # and reads the log index's header with the emulator's own shim (its `/read-kept`).
    run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(batch, "include"), "-I",
         os.path.join(ROOT, "Sources", "CSQLite"), "-o", ceiling] +
        [os.path.join(ROOT, "bench", name) for name in ["ceiling.c", "ceiling_pages.c", "ceiling_contact.c",
                                                          "ceiling_conversation.c", "ceiling_move.c",
                                                          "ceiling_create.c", "ceiling_shared.c"]] +
        [os.path.join(batch, "wal_batch.c"), "-lmicrohttpd", "-lsqlite3"])

    seeded = seeded_database(binary)
    database = copy_database(seeded, os.path.join(WORK, "emulator.sqlite"))
    # The ceiling's list pages read their own copy of the same data.
    pages = copy_database(seeded, os.path.join(WORK, "ceiling-pages.sqlite"))
    ceiling_database = os.path.join(WORK, "ceiling.sqlite")
    remove_database(ceiling_database)

    scenarios = [row for row in SCENARIOS if not ONLY or ONLY in row[0]]
    if not ONLY:
        startup_ms, idle_demo_kib = startup_with_demo(binary)
        keys_bytes, keys_ms, state_bytes, state_ms = large_bodies(binary)
    emulator = serving(EMULATOR_PORT, subprocess.Popen(emulator_command(binary, EMULATOR_PORT, database),
                                                       stdout=subprocess.DEVNULL))
    ceiling_process = serving(CEILING_PORT, subprocess.Popen([ceiling, str(CEILING_PORT), ceiling_database, pages],
                                                             stdout=subprocess.DEVNULL))
    try:
        wait_for(EMULATOR_PORT, "/__emulator/health")
        wait_for(CEILING_PORT, "/read?email=c1@example.com")
        idle_seeded_kib = rss_kib(emulator.pid, "VmRSS")
        scripts = {name: lua(name, body) for name, body in SCRIPTS.items()}
        rows = []
        for label, mine, theirs in scenarios:
            for connections in (1, 32):
                print(f"{label} at {connections} connection(s)…", flush=True)
                servers = [("emulator", EMULATOR_PORT, scripts[mine]), ("ceiling", CEILING_PORT, scripts[theirs])]
                result = alternate(servers, connections, ROUNDS, SECONDS)
                emulated, ceiling_result = result["emulator"], result["ceiling"]
                rows.append((label, connections, emulated, ceiling_result, theirs))
                if ONLY:
                    print(f"  emulator {emulated}\n  ceiling  {ceiling_result}  "
                          f"ratio {emulated['rate'] / ceiling_result['rate']:.2f}x", flush=True)
        timed_rows = []
        for label, mine, theirs in scenarios:
            if mine in WRITES and theirs == "ceiling_write":
                print(f"{label}, each request timed at 1 connection…", flush=True)
                timed_rows.append((label, one_at_a_time(EMULATOR_PORT, scripts[mine]),
                                   one_at_a_time(CEILING_PORT, scripts[theirs])))
                if ONLY:
                    print(f"  emulator {timed_rows[-1][1]}\n  ceiling  {timed_rows[-1][2]}", flush=True)
        if not ONLY:
            heavy_median, heavy_max, light_median, light_max = move_heavy_identity()
            peak_kib = rss_kib(emulator.pid, "VmHWM")
    finally:
        stop(emulator, ceiling_process)
    same_rows = same_twice(binary, seeded, scripts) if not ONLY or ONLY in "same" else []
    overhead_rows = overhead(binary, seeded, scripts) if not ONLY or ONLY in "journal" else []
    thread_table = worker_threads(binary, seeded, scripts) if not ONLY or ONLY in "threads" else {}
    growth_rows = growth(binary, scripts) if not ONLY or ONLY in "growth" else []
    if ONLY:
        print(same_rows, overhead_rows, thread_table, growth_rows, sep="\n")
        return

    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).strip()
    if run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT).strip():
        commit += " with uncommitted changes"
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}): the release",
        "emulator against the ceiling, `bench/ceiling.c` — libmicrohttpd and SQLite doing the least a request can with",
        "the emulator's threading and WAL settings: one indexed read answering a small JSON document, one INSERT and its",
        "COMMIT, or, for searches and list pages, the same query on a copy of the same data with the page's JSON built",
        "inside SQLite (`bench/ceiling_pages.c`), or the emulator's own statements in C for a contact read, a",
        "conversation read, a contact insert or an identity move, with the same answer written by hand",
        "(`bench/ceiling_contact.c`, `bench/ceiling_conversation.c`, `bench/ceiling_create.c`, `bench/ceiling_move.c`)",
        "— in the same run, alternating, with wrk on loopback sharing the cores.",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, "
        f"{platform.system()} {platform.release()}",
        "- Data: 100,000 contacts with an email identity and a note each; one identity carrying a conversation of",
        "  100,000 messages; a year of history ending now (50,000 conversations of 5 messages, 100,000 of them timed",
        "  staff answers), 5,000 articles and 1,000 response templates (`bench/seed.sql`, `bench/seed-year.sql`)",
        f"- Each row: wrk at 1 connection (1 thread) and at 32 connections (2 threads), `--latency`, {ROUNDS} runs of",
        f"  {SECONDS} s against each server, the emulator and the ceiling alternating; every figure is the median of",
        "  its runs, so a slow moment of the shared machine lands in one run rather than in a whole ratio",
        f"- Command: `make bench` (BENCH_ROUNDS={ROUNDS}, BENCH_SECONDS={SECONDS})",
        "",
        "| request | conn | emulator req/s | p50 ms | p99 ms | ceiling | ceiling req/s | p50 ms | p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for label, connections, emulated, ceiling_result, theirs in rows:
        ratio = emulated["rate"] / ceiling_result["rate"]
        lines.append(
            f"| {label} | {connections} | {emulated['rate']:,.0f} | {emulated['p50']:.2f} | {emulated['p99']:.2f} | "
            f"{CEILINGS[theirs]} | {ceiling_result['rate']:,.0f} | "
            f"{ceiling_result['p50']:.2f} | {ceiling_result['p99']:.2f} | {ratio:.2f}x |")
    lines += [
        "",
        "Writes one at a time: each request's own time at 1 connection, from the moment wrk asks for it to its answer",
        "(`one_at_a_time` in `bench/run.py`, 3 s a side), beside wrk's p99 of the same run. wrk corrects its",
        "percentiles for coordinated omission: each answer slower than the run's mean interval also counts the",
        "requests a client sending at a fixed rate would have queued behind it, so a rare stall of tens of",
        "milliseconds moves wrk's p99 at 1 connection. A client that waits for each answer, as a test suite does,",
        "sees the first figures.",
        "",
        "| request | emulator requests | p50 ms | p99 ms | max ms | wrk's p99 ms | ceiling requests | p50 ms | p99 ms | "
        "max ms | wrk's p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, emulated, ceiling_result in timed_rows:
        lines.append(f"| {label} | " + " | ".join(
            f"{side['count']:,} | {side['p50']:.2f} | {side['p99']:.2f} | {side['max']:.2f} | {side['wrk_p99']:.2f}"
            for side in (emulated, ceiling_result)) + " |")
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
    lines += [
        "## The same emulator twice",
        "",
        "Two identical emulators (one binary, two copies of the seeded data) measured against each other exactly as a",
        f"row of the main table measures the emulator against the ceiling ({ROUNDS} runs of {SECONDS} s each, alternating,",
        "medians): how far from 1.00x a ratio of equals lands in this run. A ratio above that lies this close to a",
        "target is not settled by one run.",
        "",
    ]
    lines += pair_table("first", "second", same_rows)
    lines += [
        "",
        "## Journal and rate limiter",
        "",
        "The same requests against two emulators on copies of the seeded data, alternating, 3 runs of 3 s each (medians):",
        "one with the request journal (1,000 entries) and a rate limit that is never reached, one with both off.",
        "",
    ]
    lines += pair_table("on", "off", overhead_rows)
    lines += [
        "",
        "## Worker threads",
        "",
        f"Requests/s (p99 ms) at 32 connections for each `--threads` count on this {os.cpu_count()}-core machine, the",
        "emulators alternating, 2 runs of 3 s each (medians):",
        "",
        "| request | " + " | ".join(f"{count} thread{'s' if count > 1 else ''}" for count in THREAD_COUNTS) + " |",
        "|---|" + "---:|" * len(THREAD_COUNTS),
    ]
    for label, results in thread_table.items():
        lines.append(f"| {label} | " + " | ".join(
            f"{results[count]['rate']:,.0f} ({results[count]['p99']:.1f})" for count in THREAD_COUNTS) + " |")
    lines += [
        "",
        "## Growth with the number of contacts",
        "",
        "Each size a fresh database (`bench/seed-growth.sql`): every contact with an email identity and a note, one in",
        "ten with a conversation of 5 messages. Latencies are wrk at 1 connection for 3 s (p50 / p99 ms); the reset is",
        "the median of 5 `POST /__emulator/reset`; RSS is the emulator's after start-up."
        + ("" if os.environ.get("BENCH_SCALE") == "full" else
           " The 1,000,000-contact row needs `BENCH_SCALE=full make bench`."),
        "",
        "| contacts | GET /contacts/{email} | GET /contacts?q= | identity move | reset ms | database MiB | idle RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, figures, reset_ms, size, idle, _ in growth_rows:
        cells = [f"{figures[name]['p50']:.2f} / {figures[name]['p99']:.2f}" for name in ["read", "search", "move"]]
        lines.append(f"| {count:,} | " + " | ".join(cells) +
                     f" | {reset_ms:.0f} | {size / 2**20:.0f} | {idle / 1024:.1f} |")
    lines.append("")
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
