"""pytest fixtures for testing a Re:amaze client against reamaze-emulator.

The emulator starts once per test session on a free port (`--port 0`; the port is read from its first line of
output), with an in-memory database, so nothing outlives the run. Each test module gets a tenant of its own (an
isolated account with its own login and token), and each test starts from an empty tenant. Only the standard
library is used, so the recipe runs wherever pytest does.
"""
import json
import os
import re
import shutil
import subprocess
import urllib.request
from base64 import b64encode

import pytest

BINARY = os.environ.get("REAMAZE_EMULATOR_BIN") or shutil.which("reamaze-emulator") or "reamaze-emulator"


def call(method, url, body=None, auth=None):
    """(status, parsed JSON body) of one request; errors are answers too, not exceptions."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if auth:
        request.add_header("Authorization", "Basic " + b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="session")
def emulator():
    """The base URL of an emulator running for the whole session."""
    process = subprocess.Popen([BINARY, "--port", "0", "--database", ":memory:", "--log-level", "warning"],
                               stdout=subprocess.PIPE, text=True)
    first_line = process.stdout.readline()  # "reamaze-emulator listening on http://127.0.0.1:PORT"
    match = re.search(r"listening on (http://\S+)", first_line)
    if not match:
        process.kill()
        raise RuntimeError(f"the emulator did not start: {first_line!r}")
    yield match.group(1)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def tenant(emulator):
    """An isolated account for one test module: what a client needs to reach it."""
    status, created = call("POST", f"{emulator}/__emulator/accounts", {"name": "pytest"})
    assert status == 200, created
    yield created  # account_id, login, token, brand, base_url
    call("DELETE", f"{emulator}/__emulator/accounts/{created['account_id']}")


@pytest.fixture
def api(emulator, tenant):
    """A small client for one test, on an emptied tenant (staff, brands and channels stay)."""
    status, _ = call("POST", f"{emulator}/__emulator/accounts/{tenant['account_id']}/reset")
    assert status == 200

    def request(method, path, body=None):
        return call(method, tenant["base_url"] + path, body, auth=(tenant["login"], tenant["token"]))

    return request
