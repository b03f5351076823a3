#!/usr/bin/env python3
"""The training run of the profile-guided release build (scripts/release-build.sh).

Starts BINARY (built with instrumentation) on the demo data in memory, sends it a fixed mix of the requests clients
make (reads of contacts, identities, notes, conversations and messages, pages and searches, creates, identity moves,
notes, messages, and the usual refusals: 401, 404, 422), then stops it with SIGTERM so that it exits normally and
writes its counters to the file LLVM_PROFILE_FILE names. Only Python's standard library; loopback only.

    python3 scripts/pgo_train.py BINARY FIXTURES

The mix is the API as a whole, not the benchmark's requests: the compiler learns which branches are hot from what
clients do, and a benchmark that trained the build on itself would measure the training.
"""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

ROUNDS = 12
LOGIN, TOKEN = "demo@example.com", "demo-token"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """One keep-alive connection, as most clients use; every answer read in full."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        credentials = base64.b64encode(f"{LOGIN}:{TOKEN}".encode()).decode()
        self.headers = {"Authorization": f"Basic {credentials}", "Content-Type": "application/json"}
        self.statuses = {}

    def send(self, method, path, body=None, headers=None):
        payload = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers if headers is None else headers)
        response = self.connection.getresponse()
        data = response.read()
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.status >= 500:
            sys.exit(f"training: {method} {path} answered {response.status}: {data[:200]!r}")
        return response.status, data

    def json(self, path):
        status, data = self.send("GET", path)
        if status != 200:
            sys.exit(f"training: GET {path} answered {status}")
        return json.loads(data)


def wait_until_ready(port, process):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("training: the emulator exited before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/__emulator/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("training: the emulator did not become ready")


def train(client):
    api = "/api/v1"
    contacts = client.json(f"{api}/contacts")["contacts"]
    emails = [contact["email"] for contact in contacts if contact.get("email")]
    slugs = [conversation["slug"] for conversation in client.json(f"{api}/conversations")["conversations"]]
    articles = [article["slug"] for article in client.json(f"{api}/articles")["articles"]]
    if not emails or not slugs:
        sys.exit("training: the demo data has no contacts or conversations")
    for round_number in range(ROUNDS):
        for index, email in enumerate(emails):
            for suffix in ("", "/identities", "/notes"):
                client.send("GET", f"{api}/contacts/{email}{suffix}")
            # An identity moved to the next contact and back: the heart of the Contacts API.
            moving = f"train-{round_number}-{index}@example.com"
            other = emails[(index + 1) % len(emails)]
            for owner in (email, other, email):
                client.send("POST", f"{api}/contacts/{owner}/identities",
                            {"identity": {"type": "email", "identifier": moving}})
            client.send("POST", f"{api}/contacts/{email}/notes", {"body": f"Training note {round_number}"})
            client.send("POST", f"{api}/contacts",
                        {"contact": {"name": f"Trainee {round_number} {index}",
                                     "email": f"trainee-{round_number}-{index}@example.com"}})
            client.send("PUT", f"{api}/contacts/{email}", {"contact": {"name": f"Renamed {round_number}"}})
        for slug in slugs:
            client.send("GET", f"{api}/conversations/{slug}")
            client.send("GET", f"{api}/conversations/{slug}/messages")
        for slug in slugs[:10]:
            client.send("POST", f"{api}/conversations/{slug}/messages",
                        {"message": {"body": f"Training reply {round_number}", "visibility": 0}})
        client.send("POST", f"{api}/conversations",
                    {"conversation": {"subject": f"Training {round_number}", "category": "support",
                                      "message": {"body": "Hello"}, "user": {"name": "Trainee",
                                                                             "email": emails[0]}}})
        for path in ["/contacts?page=2", "/contacts?q=smith", "/contacts?q=example", "/contacts?sort=name",
                     "/conversations?filter=open", "/conversations?q=order", "/conversations?page=2", "/messages",
                     "/messages?page=2", "/channels", "/staff", "/articles", "/topics", "/response_templates",
                     "/satisfaction_ratings", "/incidents", "/systems", "/reports/volume", "/reports/tags",
                     "/reports/response_time", "/reports/staff", "/reports/channel_summary"]:
            client.send("GET", api + path)
        for slug in articles:
            client.send("GET", f"{api}/articles/{slug}")
        # The refusals clients meet: unknown records, bad bodies, no or wrong credentials, unknown routes.
        client.send("GET", f"{api}/contacts/nobody-{round_number}@example.com")
        client.send("GET", f"{api}/conversations/no-such-conversation")
        client.send("POST", f"{api}/contacts", {"contact": {"name": "No email"}})
        client.send("POST", f"{api}/contacts/{emails[0]}/identities", {"identity": {"type": "fax"}})
        client.send("GET", f"{api}/contacts", headers={"Authorization": "Basic bm9ib2R5Ondyb25n"})
        client.send("GET", f"{api}/contacts", headers={})
        client.send("GET", f"{api}/no-such-route")
        client.send("GET", "/__emulator/health")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, fixtures = sys.argv[1], sys.argv[2]
    port = free_port()
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--database", ":memory:", "--fixtures", fixtures,
         "--login", LOGIN, "--token", TOKEN, "--log-level", "error"],
        stdout=subprocess.DEVNULL)
    try:
        wait_until_ready(port, process)
        started = time.monotonic()
        client = Client(port)
        train(client)
        sent = sum(client.statuses.values())
        answers = ", ".join(f"{count} {status}" for status, count in sorted(client.statuses.items()))
        print(f"training: {sent} requests in {time.monotonic() - started:.1f} s ({answers})", flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    if code != 0:
        sys.exit(f"training: the emulator exited with {code}, so its profile may be missing")


if __name__ == "__main__":
    main()
