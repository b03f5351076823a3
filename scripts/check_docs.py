#!/usr/bin/env python3
"""make check-docs: what a newcomer reads and runs, checked against the repository and the built binary.

- every relative link in the project's Markdown resolves to a file in the repository, and every `#anchor` to a
  heading of the file it names;
- the README, docs/, recipes/ and the served OpenAPI document cite nothing outside the repository (no `../`
  paths out of it, no section signs of another document);
- `reamaze-emulator --help` lists the server's options and the subcommands, and exits 0;
- the exit codes are as documented: 0 for help, 64 for a usage error (with the usage hint), 1 for a file that cannot
  be read (named, with the system's reason, without the usage hint).

Usage: check_docs.py PATH-TO-reamaze-emulator
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENTS = ["README.md", "BENCHMARKS.md", "docs", "recipes"]
SELF_CONTAINED = ["README.md", "docs", "recipes", "Sources/EmulatorCore/OpenAPI/openapi.yaml"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def files(entries, suffixes):
    for entry in entries:
        path = os.path.join(ROOT, entry)
        if os.path.isfile(path):
            yield path
        for folder, _, names in os.walk(path):
            for name in sorted(names):
                if name.endswith(suffixes):
                    yield os.path.join(folder, name)


def anchors(path):
    """GitHub's heading anchors of a Markdown file."""
    slugs = set()
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            slugs.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return slugs


def check_links(problems):
    for path in files(DOCUMENTS, (".md",)):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks hold commands, not links
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            where = os.path.relpath(path, ROOT)
            if not resolved.startswith(ROOT + os.sep) and resolved != ROOT:
                problems.append(f"{where}: link {target} leaves the repository")
            elif not os.path.exists(resolved):
                problems.append(f"{where}: link {target} names nothing in the repository")
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                problems.append(f"{where}: link {target} names no heading of {os.path.relpath(resolved, ROOT)}")


def check_self_contained(problems):
    for path in files(SELF_CONTAINED, (".md", ".yaml", ".py", ".go")):
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            where = f"{os.path.relpath(path, ROOT)}:{number}"
            if "§" in line:
                problems.append(f"{where}: cites a section (§) of a document outside the repository")
            if re.search(r"\.\./shared|shared/reamaze-api|shared/ARCHITECTURE", line):
                problems.append(f"{where}: names a file outside the repository")


def run(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout + result.stderr


def check_binary(binary, problems):
    status, text = run(binary, "--help")
    if status != 0 or "--port <port>" not in text or "SUBCOMMANDS:" not in text or "healthcheck" not in text:
        problems.append(f"--help: exit {status}, without the server's options or the subcommands:\n{text}")
    status, text = run(binary, "--port", "70000", "--database", ":memory:")
    if status != 64 or "See 'reamaze-emulator --help'" not in text:
        problems.append(f"a bad port: exit {status} (64 expected, with the usage hint):\n{text}")
    status, text = run(binary, "--port", "0", "--database", ":memory:", "--fixtures", "/nonexistent/demo.json")
    if status != 1 or "No such file or directory" not in text or "--help" in text:
        problems.append(f"a missing fixtures file: exit {status} (1 expected, the reason, no usage hint):\n{text}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    problems = []
    check_links(problems)
    check_self_contained(problems)
    check_binary(sys.argv[1], problems)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(f"check-docs: {len(problems)} problem(s)")
    print("check-docs: links resolve inside the repository, nothing cites outside it, help and exit codes as documented")


if __name__ == "__main__":
    main()
