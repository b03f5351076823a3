#!/usr/bin/env python3
"""make soak: a bounded soak of the release emulator on loopback; it stops by itself.

64 keep-alive connections (wrk) send a mix of reads and writes to the demo data for SOAK_SECONDS (default 100),
while a control-plane client beside them resets the store, saves and restores a snapshot and creates tenants, and
the emulator's RSS is sampled every second. Prints requests served, 5xx answers, connection errors and the RSS of
the first 10 s after a 10 s warm-up and of the last 10 s, writes the "Soak" section of BENCHMARKS.md, and exits 1 if any 5xx or connection error
was seen or the RSS grew by 10% or more.
"""
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, WORK, lua, release_binary, remove_database, replace_section, rss_kib, wait_for  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "100"))
PORT = 18311
CONNECTIONS = 64
AUTH = "Basic ZGVtb0BleGFtcGxlLmNvbTpkZW1vLXRva2Vu"  # demo@example.com:demo-token

# Each wrk thread counts the 5xx answers it saw; done() adds them up. Requests: 40% contact list, 20% a contact by
# email, 10% conversations, 20% a new contact (unique email), 10% an identity moved between two demo contacts.
SCRIPT = f'''
wrk.headers["Authorization"] = "{AUTH}"
wrk.headers["Content-Type"] = "application/json"
local threads = {{}}
local counter = 0
serverErrors = 0  -- a global, so that done() can read it with thread:get
local emails = {{"olivia.silva@example.com", "liam.garcia@example.com", "emma.smith@example.com"}}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("prefix", os.time() .. "t" .. #threads)
end
response = function(status, headers, body)
  if status >= 500 then serverErrors = serverErrors + 1 end
end
request = function()
  counter = counter + 1
  local pick = math.random(1, 10)
  if pick <= 4 then
    return wrk.format("GET", "/api/v1/contacts?page=" .. math.random(1, 3))
  elseif pick <= 6 then
    return wrk.format("GET", "/api/v1/contacts/" .. emails[math.random(1, 3)])
  elseif pick == 7 then
    return wrk.format("GET", "/api/v1/conversations")
  elseif pick <= 9 then
    return wrk.format("POST", "/api/v1/contacts", nil,
      '{{"contact":{{"name":"Soak","email":"s' .. prefix .. "-" .. counter .. '@example.com"}}}}')
  else
    local target = (counter % 2 == 0) and "liam.garcia@example.com" or "emma.smith@example.com"
    return wrk.format("POST", "/api/v1/contacts/" .. target .. "/identities", nil,
      '{{"identity":{{"type":"email","identifier":"olivia.silva@example.com"}}}}')
  end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("serverErrors") end
  io.write(string.format("soak-server-errors: %d\\n", total))
end
'''


class ControlPlaneChurn(threading.Thread):
    """Resets, snapshot saves and restores and tenant creation, one after another, until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.calls = 0
        self.failures = []

    def call(self, method, path, body=None):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            connection.request(method, "/__emulator/" + path, body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            connection.close()
            self.calls += 1
            if response.status != 200:
                self.failures.append(f"{method} {path}: {response.status}")
        except OSError as error:
            self.failures.append(f"{method} {path}: {error}")

    def run(self):
        while not self.stopping.wait(0.5):
            self.call("POST", "accounts", "{}")
            self.call("POST", "snapshots", json.dumps({"name": "soak"}))
            self.call("POST", "accounts", "{}")
            self.call("POST", "snapshots/soak/restore")
            self.call("POST", "reset")


def main():
    print("building the release emulator…", flush=True)
    binary = release_binary()
    database = os.path.join(WORK, "soak.sqlite")
    remove_database(database)
    emulator = subprocess.Popen([binary, "--port", str(PORT), "--database", database, "--fixtures",
                                 os.path.join(ROOT, "fixtures", "demo.json"), "--log-level", "error"],
                                stdout=subprocess.DEVNULL)
    samples = []
    churn = ControlPlaneChurn()
    try:
        wait_for(PORT, "/__emulator/health")
        script = lua("soak", SCRIPT)
        print(f"soaking for {SECONDS} s: {CONNECTIONS} connections, control-plane churn beside them…", flush=True)
        load = subprocess.Popen(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "-s", script,
                                 f"http://127.0.0.1:{PORT}"], stdout=subprocess.PIPE, text=True)
        churn.start()
        started = time.monotonic()
        while load.poll() is None:
            samples.append((time.monotonic() - started, rss_kib(emulator.pid, "VmRSS")))
            time.sleep(1)
        output = load.stdout.read()
        churn.stopping.set()
        churn.join()
        alive = emulator.poll() is None
    finally:
        emulator.terminate()
        emulator.wait()

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    server_errors = int(re.search(r"soak-server-errors: (\d+)", output).group(1))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    connection_errors = sum(int(count) for count in socket.groups()) if socket else 0
    # The first 10 s are warm-up (the page cache, the journal ring and the read connections fill up): the figures
    # compare the 10 s after it with the last 10 s.
    first = [kib for at, kib in samples if 10 <= at < 20]
    last = [kib for at, kib in samples if at >= samples[-1][0] - 10]
    first_mib = sum(first) / len(first) / 1024
    last_mib = sum(last) / len(last) / 1024
    growth = (last_mib - first_mib) / first_mib * 100
    rate = requests / SECONDS
    lines = [
        "## Soak",
        "",
        f"Written by `make soak` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, SOAK_SECONDS={SECONDS}): the",
        f"release emulator on the demo data (a file database), {CONNECTIONS} keep-alive connections from wrk sending",
        "40% contact pages, 20% contact reads, 10% conversation lists, 20% new contacts and 10% identity moves, while",
        "one control-plane client beside them loops over tenant creation, snapshot save, snapshot restore and reset.",
        "",
        "| figure | measured |",
        "|---|---|",
        f"| API requests served | {requests:,} ({rate:,.0f}/s) |",
        f"| 5xx answers | {server_errors} |",
        f"| connection errors (connect, read, write, timeout) | {connection_errors} |",
        f"| control-plane calls beside them (resets, snapshots, tenants) | {churn.calls:,}, {len(churn.failures)} failed |",
        f"| RSS, mean of the first 10 s after a 10 s warm-up | {first_mib:.1f} MiB |",
        f"| RSS, mean of the last 10 s | {last_mib:.1f} MiB ({growth:+.1f}%) |",
        "| RSS every 10 s (MiB) | " + ", ".join(f"{kib / 1024:.1f}" for at, kib in samples if int(at) % 10 == 0) + " |",
        "",
    ]
    print("\n".join(lines))
    write_section(lines)
    problems = []
    if not alive:
        problems.append("the emulator died during the soak")
    if server_errors:
        problems.append(f"{server_errors} 5xx answers")
    if connection_errors:
        problems.append(f"{connection_errors} connection errors")
    if churn.failures:
        problems.append(f"control-plane failures: {churn.failures[:3]}")
    if growth >= 10:
        problems.append(f"RSS grew {growth:.1f}%")
    if problems:
        sys.exit("soak failed: " + "; ".join(problems))


def write_section(lines):
    """Replaces the Soak section of BENCHMARKS.md (make bench keeps it when it rewrites the rest)."""
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    with open(path, "w") as out:
        out.write(replace_section(text, "Soak", "\n".join(lines)))


if __name__ == "__main__":
    main()
