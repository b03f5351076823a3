#!/usr/bin/env python3
"""make bench-compare BASE=<git revision>: this tree's release emulator against BASE's, request for request.

A change meant to keep behaviour (a restructure) must not make a read or a write slower. Timings on a shared
2-core machine vary by a third from run to run, so the two builds are measured the same way in the same run,
alternating, each scenario ROUNDS times per build: the ratio of the medians is the answer, not either figure
alone. Builds BASE in a git worktree under .build/bench, seeds the same data for both, and writes the
"Before and after" section of BENCHMARKS.md (the rest of the file is left as it is).
"""
import http.client
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the runner's helpers: wrk, wait_for, the seed, the scripts)

ROOT = bench.ROOT
WORK = bench.WORK
ROUNDS = bench.ROUNDS
# BENCH_ONLY=<text>: only the rows whose label contains it, printed, BENCHMARKS.md left as it is (to look again at one
# figure without replacing the whole comparison by that one row).
PORTS = {"base": 18311, "head": 18312}
BASE_SOURCE = os.path.join(WORK, "base-src")  # BASE's worktree
DEMO_AUTH = "Basic " + __import__("base64").b64encode(b"demo@example.com:demo-token").decode()

DEMO_HEADERS = f'wrk.headers["Authorization"] = "{DEMO_AUTH}"\nwrk.headers["Host"] = "demo.localhost"\n'


def demo_scripts(slugs):
    """The conversation and message scenarios on the demo data; `slugs` are its conversations."""
    table = "{" + ", ".join(json.dumps(slug) for slug in slugs) + "}"
    return {
        "conversation_page": DEMO_HEADERS + 'request = function()\n'
        '  return wrk.format("GET", "/api/v1/conversations?filter=all")\nend\n',
        "conversation_single": DEMO_HEADERS + f"local slugs = {table}\nrequest = function()\n"
        '  return wrk.format("GET", "/api/v1/conversations/" .. slugs[math.random(1, #slugs)])\nend\n',
        "message_page": DEMO_HEADERS + 'request = function()\n'
        '  return wrk.format("GET", "/api/v1/messages")\nend\n',
    }


SEEDED = [  # (label, script) on the seeded 100,000-contact database
    ("GET /contacts/{email}", "get_contact"),
    ("GET /contacts/{email}/identities", "get_identities"),
    ("GET /contacts (a page of 30)", "contact_page"),
    ("GET /contacts?q=", "search"),
    ("POST /contacts", "create_contact"),
    ("POST …/identities (move)", "move_identity"),
]
DEMO = [  # on the demo data
    ("GET /conversations (a page of 30)", "conversation_page"),
    ("GET /conversations/{slug}", "conversation_single"),
    ("GET /messages (a page of 30)", "message_page"),
]


def build(revision):
    """The release binary of `revision`, built in a worktree of its own (kept, so a second run rebuilds nothing)."""
    source = BASE_SOURCE
    wanted = bench.run(["git", "rev-parse", revision], cwd=ROOT).strip()
    present = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True).stdout.strip() \
        if os.path.exists(source) else ""
    if present != wanted:
        if os.path.exists(source):
            subprocess.run(["git", "worktree", "remove", "--force", source], cwd=ROOT, capture_output=True)
            shutil.rmtree(source, ignore_errors=True)
        bench.run(["git", "worktree", "prune"], cwd=ROOT)
        bench.run(["git", "worktree", "add", "--detach", source, revision], cwd=ROOT)
    return bench.release_binary(source)


def start(binary, port, arguments):
    process = bench.serving(port, subprocess.Popen([binary, "--port", str(port), "--log-level", "error"] + arguments,
                                                   stdout=subprocess.DEVNULL))
    bench.wait_for(port, "/__emulator/health")
    return process


def measure(scripts, scenarios, results):
    only = os.environ.get("BENCH_ONLY", "")
    for label, name in scenarios:
        if only and only not in label:
            continue
        for connections in (1, 32):
            print(f"{label} at {connections} connection(s)…", flush=True)
            servers = [(side, PORTS[side], scripts[name]) for side in ("base", "head")]
            results.append((label, connections, bench.alternate(servers, connections, ROUNDS, bench.SECONDS)))


def main():
    revision = os.environ.get("BASE")
    if not revision:
        sys.exit("set BASE to the git revision to compare with, e.g. make bench-compare BASE=HEAD~5")
    base_commit = bench.run(["git", "rev-parse", "--short", revision], cwd=ROOT).strip()
    head_commit = bench.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).strip()
    print(f"building {base_commit} and this tree (release)…", flush=True)
    binaries = {"base": build(revision), "head": bench.release_binary()}

    # The seeded database, made once by BASE's binary from BASE's seed and copied for each side: this tree's binary
    # migrates its copy when it opens it, as an upgrade would. (Made by this tree's binary, a schema change would
    # have had BASE run on a schema it does not know: a dropped index made its moves scan every identity.)
    seeded = os.path.join(WORK, "compare-seed.sqlite")
    bench.remove_database(seeded)
    migrate = start(binaries["base"], PORTS["base"], ["--database", seeded, "--login", "bench@example.com",
                                                      "--token", "bench-token", "--brand", "bench"])
    migrate.terminate()
    migrate.wait()
    base_seed = os.path.join(BASE_SOURCE, "bench", "seed.sql")
    bench.run(["sqlite3", seeded], input=open(base_seed).read())
    scripts = {name: bench.lua(name, body) for name, body in bench.SCRIPTS.items()}
    scripts["contact_page"] = bench.lua("contact_page", bench.HEADERS + 'request = function()\n'
                                        '  return wrk.format("GET", "/api/v1/contacts?page=" .. math.random(1, 3000))'
                                        '\nend\n')
    results = []
    processes = []
    try:
        for side in ("base", "head"):
            copy = os.path.join(WORK, f"compare-{side}.sqlite")
            bench.remove_database(copy)
            bench.run(["sqlite3", seeded, f".backup '{copy}'"])
            processes.append(start(binaries[side], PORTS[side], ["--database", copy, "--login", "bench@example.com",
                                                                 "--token", "bench-token", "--brand", "bench"]))
        measure(scripts, SEEDED, results)
    finally:
        for process in processes:
            process.terminate()
            process.wait()

    processes = []
    try:
        for side in ("base", "head"):
            processes.append(start(binaries[side], PORTS[side], [
                "--database", ":memory:", "--fixtures", os.path.join(ROOT, "fixtures", "demo.json")]))
        connection = http.client.HTTPConnection("127.0.0.1", PORTS["head"], timeout=10)
        connection.request("GET", "/api/v1/conversations?filter=all",
                           headers={"Authorization": DEMO_AUTH, "Host": "demo.localhost"})
        slugs = [item["slug"] for item in json.loads(connection.getresponse().read())["conversations"]]
        scripts.update({name: bench.lua(name, body) for name, body in demo_scripts(slugs).items()})
        measure(scripts, DEMO, results)
    finally:
        for process in processes:
            process.terminate()
            process.wait()

    lines = [
        "## Before and after",
        "",
        f"Written by `make bench-compare BASE={revision}`: the release build of `{base_commit}` (before) against "
        f"`{head_commit}` (after),",
        f"the same data, wrk for {bench.SECONDS} s a run, the two alternating, {ROUNDS} runs each per row; the medians "
        "and their ratio",
        "(after / before: above 1 is faster). Differences within about ±15% are this machine's noise.",
        "",
        "| request | conn | before req/s | after req/s | ratio | before p99 ms | after p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, connections, medians in results:
        before, after = medians["base"]["rate"], medians["head"]["rate"]
        before_p99, after_p99 = medians["base"]["p99"], medians["head"]["p99"]
        lines.append(f"| {label} | {connections} | {before:,.0f} | {after:,.0f} | {after / before:.2f}x | "
                     f"{before_p99:.2f} | {after_p99:.2f} |")
    section = "\n".join(lines) + "\n"
    print(section)
    if os.environ.get("BENCH_ONLY"):
        return
    path = os.path.join(ROOT, "BENCHMARKS.md")
    document = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    document = bench.replace_section(document, "Before and after", section)
    with open(path, "w") as out:
        out.write(document)


if __name__ == "__main__":
    for tool in ["wrk", "sqlite3", "git"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: run `make bench-compare`, which installs it")
    main()
