#!/usr/bin/env python3
"""Instructions per request, counted by valgrind's callgrind: unlike a timing, the count is the same from run to run,
so it shows what a change to the request path saved even on a noisy shared machine.

    python3 bench/instructions.py BINARY DATABASE [REQUESTS]
    python3 bench/instructions.py --ceiling CEILING DATABASE [REQUESTS]

Runs BINARY on a copy of DATABASE (a seeded bench database, `.build/bench/seeded.sqlite` after `make bench`) under
callgrind, zeroes its counts after start-up and 50 warm-up requests, then counts REQUESTS (default 2,000) sequential requests of each kind
on one keep-alive connection and prints the instructions per request, with the functions that spent most of them.
Beside the instructions it prints the first-level instruction-cache misses per request, from callgrind's simulation
of this machine's caches: a request that runs through more distinct code misses more, and on this machine the time
of a read followed those misses more closely than its instructions (bench/analysis.md, the 03:58 session), though
a sixth fewer of them bought only a few per cent of time (the 04:58 session): confirm a gain with `make bench-compare`.
With `--ceiling`, CEILING is the C ceiling `make bench` builds (`.build/bench/ceiling`) and the requests are its
one-row read and its copy of the emulator's contact read, for comparison.
KEEP_CALLGRIND=<folder> keeps each profile there for `callgrind_annotate`; ONLY=<text> counts only the kinds whose label
contains it. Needs valgrind (`apt-get install valgrind`), and BINARY built as `make bench` builds it
(`scripts/release-build.sh -Xcc -gdwarf-4`, which prints the binary's path:
`.build/pgo/optimized/release/reamaze-emulator`, or `.build/release/reamaze-emulator` with PGO=0): Debian 12's
valgrind cannot read the DWARF 5 debug information clang writes for the C target by default.
"""
import glob
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from base64 import b64encode

AUTH = {"Authorization": "Basic " + b64encode(b"bench@example.com:bench-token").decode(),
        "Content-Type": "application/json"}
PORT = 18350
KINDS = [  # (label, method, path of request n, body of request n)
    ("GET /contacts/{email}", "GET", lambda n: f"/api/v1/contacts/c{n * 37 % 100000}@example.com", None),
    ("GET /contacts/{email}/identities", "GET",
     lambda n: f"/api/v1/contacts/c{n * 37 % 100000}@example.com/identities", None),
    ("GET /contacts/{email}/notes", "GET", lambda n: f"/api/v1/contacts/c{n * 37 % 100000}@example.com/notes", None),
    ("GET /contacts?q=", "GET", lambda n: f"/api/v1/contacts?q=c{10000 + n * 37 % 90000}@", None),
    ("GET /conversations/{slug}", "GET", lambda n: f"/api/v1/conversations/year-{n * 37 % 50000}", None),
    ("POST …/identities (move)", "POST",
     lambda n: f"/api/v1/contacts/mover-{'ab'[n % 2]}@example.com/identities",
     lambda n: '{"identity":{"type":"email","identifier":"moving@example.com"}}'),
    ("POST /contacts", "POST", lambda n: "/api/v1/contacts",
     lambda n: '{"contact":{"name":"New","email":"i%d-%d@example.com"}}' % (os.getpid(), n)),
]
CEILING_KINDS = [  # the same contacts as the emulator's contact reads above
    ("one-row read (C)", "GET", lambda n: f"/read?email=c{n * 37 % 100000}@example.com", None),
    ("GET /contacts/{email} (the same read in C)", "GET",
     lambda n: f"/contact?email=c{n * 37 % 100000}@example.com", None),
]


def main():
    arguments = sys.argv[1:]
    ceiling = arguments[:1] == ["--ceiling"]
    if ceiling:
        arguments = arguments[1:]
    binary, source = arguments[0], arguments[1]
    count = int(arguments[2]) if len(arguments) > 2 else 2000
    work = tempfile.mkdtemp(prefix="instructions-")
    database = os.path.join(work, "db.sqlite")
    shutil.copyfile(source, database)
    if ceiling:  # its writes' database (unused here), then the copy it reads
        command = [binary, str(PORT), os.path.join(work, "ceiling-writes.sqlite"), database]
    else:
        command = [binary, "--port", str(PORT), "--database", database, "--login", "bench@example.com", "--token",
                   "bench-token", "--brand", "bench", "--log-level", "error", "--threads", "1"]
    kinds = CEILING_KINDS if ceiling else KINDS
    ready = (lambda path: path(0)) if ceiling else (lambda path: "/__emulator/health")
    for label, method, path, body in [kind for kind in kinds if os.environ.get("ONLY", "") in kind[0]]:
        output = os.path.join(work, "callgrind.out")
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--cache-sim=yes", f"--callgrind-out-file={output}", *command],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            connection = None
            for _ in range(600):
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                    connection.request("GET", ready(path))
                    response = connection.getresponse()
                    response.read()
                    if response.status == 200:
                        break
                    time.sleep(0.1)
                except OSError:
                    time.sleep(0.1)
            for n in range(50):  # warm the caches and the prepared statements
                connection.request(method, path(n), body=body and body(n), headers=AUTH)
                connection.getresponse().read()
            subprocess.run(["callgrind_control", "--zero", str(process.pid)], check=True, capture_output=True)
            for n in range(50, 50 + count):
                connection.request(method, path(n), body=body and body(n), headers=AUTH)
                response = connection.getresponse()
                response.read()
                assert response.status == 200, (label, response.status)
            subprocess.run(["callgrind_control", "--dump", str(process.pid)], check=True, capture_output=True)
        finally:
            process.terminate()
            process.wait()
        files = glob.glob(output + "*")
        dumped = next(name for name in files if "Trigger: dump" in open(name, errors="replace").read(4096))
        def table(inclusive, event="Ir"):
            return subprocess.run(["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}",
                                   f"--show={event}", "--threshold=100", dumped], capture_output=True, text=True).stdout

        def program_total(text):
            return int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))

        def rows(text):
            for line in text.splitlines():
                match = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(.*?):(\S+)", line)
                if match:
                    name = subprocess.run(["swift", "demangle", "--simplified", "--compact", match.group(4)],
                                          capture_output=True, text=True).stdout.strip()
                    yield float(match.group(2)), match.group(3), name

        inclusive = table(True)
        misses = program_total(table(False, "I1mr"))
        print(f"{label}: {program_total(inclusive) / count:,.0f} instructions per request, "
              f"{misses / count:,.0f} first-level instruction-cache misses (simulated)")
        print("  spent in the function itself:")
        for share, _, name in [row for row in rows(table(False)) if row[0] < 50][:12]:
            print(f"    {share:5.1f}%  {name[:110]}")
        if not ceiling:
            print("  spent in the emulator's own functions and what they call (over 3%):")
        shown = set()
        for share, source, name in rows(inclusive):
            if "Sources/" in source and 3 <= share < 50 and "closure" not in name and "thunk" not in name \
                    and name not in shown:
                shown.add(name)
                print(f"    {share:5.1f}%  {name[:110]}")
        if os.environ.get("KEEP_CALLGRIND"):
            name = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")  # one file per kind: several share a first word
            shutil.copyfile(dumped, os.path.join(os.environ["KEEP_CALLGRIND"], name + ".callgrind"))
        for path_ in files:
            os.remove(path_)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
