#!/usr/bin/env bash
# make fuzz: schemathesis generates requests from the OpenAPI document against a live emulator on the demo data and
# checks that no answer is a server error and that every answer's status, content type and body match the document.
# The seed and the number of examples are fixed, so a run is reproducible and bounded (about 4,000 requests).
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${FUZZ_EXAMPLES:-100}"
SEED="${FUZZ_SEED:-42}"
binary="$(swift build --show-bin-path)/reamaze-emulator"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" --port "$port" --database :memory: --fixtures fixtures/demo.json --log-level error &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do "$binary" healthcheck --port "$port" > /dev/null 2>&1 && break; sleep 0.05; done
st run Sources/EmulatorCore/OpenAPI/openapi.yaml --url "http://127.0.0.1:$port" -a demo@example.com:demo-token \
  -c not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --seed "$SEED" -n "$EXAMPLES" --no-color
