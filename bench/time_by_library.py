#!/usr/bin/env python3
"""Where a request's time goes, library by library: the emulator against the ceiling's same read and one-row read.

    python3 bench/time_by_library.py BINARY [SECONDS]

Runs BINARY on a copy of the seeded bench database (`.build/bench/seeded.sqlite`) and the C ceiling `make bench` built
(`.build/bench/ceiling`), then, for each of `GET /contacts/{email}` on the emulator, the same read in C
(`bench/ceiling_contact.c`) and the one-row read, one wrk run of SECONDS (default 3) at 1 connection while `perf`
samples that server's threads by the clock (10,000 times a second). Prints, per request, the microseconds spent in
each library (the program, libsqlite3, libmicrohttpd, libc, the kernel), the requests a second, and the user and
system time from `/proc`. Sampling slows a server, so the rates are lower than make bench's; compare the libraries'
shares. Run `make bench` first; needs `perf` (Debian's `linux-perf`) and the right to sample another process (root,
or `kernel.perf_event_paranoid` at most 1). `ONLY=<text>` measures only the servers whose label contains it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the bench's own helpers: the wrk scripts, waiting for a server, copying data)

RATE = 10_000


def measure(label, pid, port, script, seconds, work):
    """One sampled wrk run at 1 connection against the server `pid`; prints the per-request figures."""
    subprocess.run(["wrk", "-t1", "-c1", "-d1s", "-s", script, f"http://127.0.0.1:{port}"],
                   check=True, capture_output=True)
    samples = os.path.join(work, "perf.data")
    recorder = subprocess.Popen(["perf", "record", "-F", str(RATE), "-o", samples, "-p", str(pid), "--",
                                 "sleep", str(seconds + 0.2)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = bench.cpu_times(pid)
    output = subprocess.run(["wrk", "-t1", "-c1", f"-d{seconds}s", "-s", script, f"http://127.0.0.1:{port}"],
                            check=True, capture_output=True, text=True).stdout
    recorder.wait()
    after = bench.cpu_times(pid)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    report = subprocess.run(["perf", "report", "-i", samples, "--no-children", "--sort", "dso", "-F", "sample,dso",
                             "--stdio"], check=True, capture_output=True, text=True).stdout
    ticks = os.sysconf("SC_CLK_TCK")
    print(f"{label}: {requests / seconds:,.0f} requests a second under sampling; user "
          f"{(after[0] - before[0]) / ticks * 1e6 / requests:.1f} µs and system "
          f"{(after[1] - before[1]) / ticks * 1e6 / requests:.1f} µs a request (/proc)")
    for line in report.splitlines():
        match = re.match(r"\s*(\d+)\s+(\S.*)$", line)
        if match and not line.lstrip().startswith("#"):
            print(f"  {int(match.group(1)) / RATE * 1e6 / requests:7.1f} µs  {match.group(2).strip()}")


def main():
    binary = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seeded, ceiling = os.path.join(bench.WORK, "seeded.sqlite"), os.path.join(bench.WORK, "ceiling")
    for needed in [seeded, ceiling]:
        if not os.path.exists(needed):
            sys.exit(f"{needed} is missing: run `make bench` first")
    if shutil.which("perf") is None:
        sys.exit("perf is missing: apt-get install linux-perf")
    work = tempfile.mkdtemp(prefix="time-by-library-")
    emulator_port, ceiling_port = 18360, 18361
    servers = [
        subprocess.Popen(bench.emulator_command(binary, emulator_port,
                                                bench.copy_database(seeded, os.path.join(work, "emulator.sqlite"))),
                         stdout=subprocess.DEVNULL),
        subprocess.Popen([ceiling, str(ceiling_port), os.path.join(work, "ceiling.sqlite"),
                          bench.copy_database(seeded, os.path.join(work, "pages.sqlite"))], stdout=subprocess.DEVNULL),
    ]
    try:
        bench.wait_for(emulator_port, "/__emulator/health")
        bench.wait_for(ceiling_port, "/read?email=c1@example.com")
        scripts = {name: bench.lua(name, bench.SCRIPTS[name]) for name in ["get_contact", "ceiling_contact",
                                                                            "ceiling_read"]}
        for label, server, port, script in [
            ("the emulator, GET /contacts/{email}", servers[0], emulator_port, "get_contact"),
            ("the same read in C", servers[1], ceiling_port, "ceiling_contact"),
            ("the one-row read", servers[1], ceiling_port, "ceiling_read"),
        ]:
            if os.environ.get("ONLY", "") in label:
                measure(label, server.pid, port, scripts[script], seconds, work)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
