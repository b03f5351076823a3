# reamaze-emulator: `make run` serves the demo data, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
APT_PACKAGES := libmicrohttpd-dev libsqlite3-dev libgnutls28-dev pkg-config curl openssl
# The flags CI builds with; every target uses the same ones so nothing is rebuilt twice.
SWIFT_FLAGS := -Xswiftc -warnings-as-errors --explicit-target-dependency-import-check error
HOST ?= 127.0.0.1
PORT ?= 8080
DATABASE ?= reamaze-emulator.sqlite
FIXTURES ?= fixtures/demo.json
PREFIX ?= /usr/local

.PHONY: deps build run test test-ui test-recipes check-docs fuzz format lint clean docker-check bench bench-compare soak install schema

# Installs whichever of the given Debian packages are missing (as root), or prints the command to run.
define ensure_packages
	@missing=(); for package in $(1); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$$package"); \
	done; \
	if [ $${#missing[@]} -gt 0 ]; then \
		if [ "$$(id -u)" -eq 0 ]; then \
			echo "Installing: $${missing[*]}"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$${missing[@]}"; \
		else \
			echo "Missing system packages. Run:  sudo apt-get install -y $${missing[*]}"; exit 1; \
		fi; \
	fi
endef

deps:
	$(call ensure_packages,$(APT_PACKAGES))

build: deps
	swift build $(SWIFT_FLAGS)

# A release build of the binary into $(DESTDIR)$(PREFIX)/bin (default /usr/local/bin), made as the Docker image makes
# it (scripts/release-build.sh: the Swift runtime linked in, so no toolchain is needed to run it, and the code
# optimized with a profile of a training run on the demo data; PGO=0 skips the profile). It needs the run-time
# libraries libmicrohttpd, libsqlite3 and libgnutls, which `make deps` installs with their headers.
install: deps
	$(call ensure_packages,python3)
	binary="$$(scripts/release-build.sh)" && install -D -m 0755 "$$binary" \
		"$(DESTDIR)$(PREFIX)/bin/reamaze-emulator"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/reamaze-emulator"

run: build
	"$$(swift build $(SWIFT_FLAGS) --show-bin-path)/reamaze-emulator" \
		--host $(HOST) --port $(PORT) --database $(DATABASE) --fixtures $(FIXTURES)

# Swift Testing starts every test case at once unless told otherwise: some 400 emulators alive together, about 5,400
# open files where a fresh Debian/Ubuntu login allows 1,024, and a slower run (55 s against 33 s here, on 2 cores).
# Eight at a time keeps the suite under 200 open files; TEST_PARALLELISM=N overrides it.
TEST_PARALLELISM ?= 8
test: deps
	swift build --build-tests $(SWIFT_FLAGS)
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_PARALLELISM) swift test $(SWIFT_FLAGS)

# The console in headless Chromium (Debian's chromium and chromium-driver, Selenium from PyPI); screenshots in
# .build/ui/. UPDATE_SCREENSHOTS=1 also refreshes docs/console*.png.
test-ui: build
	$(call ensure_packages,chromium chromium-driver python3-pip)
	python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium \
		|| python3 -m pip install -q --break-system-packages selenium
	python3 tests-ui/test_console.py

# schemathesis (PyPI) against a live emulator with the OpenAPI document: no server error, and every status, content
# type and body as documented. Fixed seed, bounded examples (FUZZ_EXAMPLES, default 100: about 4,000 requests).
fuzz: build
	python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install -q schemathesis \
		|| python3 -m pip install -q --break-system-packages schemathesis
	bash tests-fuzz/run.sh

# The recipes of docs/recipes.md that are complete projects (recipes/pytest, recipes/go), run against the built
# binary: pytest from Debian, Go from Debian (standard library only, nothing downloaded).
test-recipes: build
	$(call ensure_packages,python3-pytest golang-go)
	REAMAZE_EMULATOR_BIN="$$(swift build $(SWIFT_FLAGS) --show-bin-path)/reamaze-emulator" \
		python3 -m pytest -q -p no:cacheprovider recipes/pytest
	cd recipes/go && REAMAZE_EMULATOR_BIN="$$(cd ../.. && swift build $(SWIFT_FLAGS) --show-bin-path)/reamaze-emulator" \
		GOCACHE="$(CURDIR)/.build/go-cache" go test -count=1 ./...

# What a newcomer reads and runs, checked: every link in the Markdown docs resolves inside the repository, nothing
# cites files outside it, the help text and exit codes are as documented.
check-docs: build
	python3 scripts/check_docs.py "$$(swift build $(SWIFT_FLAGS) --show-bin-path)/reamaze-emulator"

# Rewrites Sources/EmulatorCore/Store/Schema+Current.swift (the schema as one script, and the image of a database it
# made, which a new database is copied from) from what the migrations build; run it after adding a migration (`make
# test` fails until then).
schema: deps
	swift build --build-tests $(SWIFT_FLAGS)
	RECORD_SCHEMA=1 swift test $(SWIFT_FLAGS) --skip-build --filter SchemaTests

format:
	swift format --in-place --recursive Package.swift Sources Tests

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

# The emulator against bench/ceiling.c with wrk on loopback; rewrites BENCHMARKS.md (a few minutes).
bench: deps
	$(call ensure_packages,wrk sqlite3 python3 gcc libc6-dev)
	python3 bench/run.py

# This tree's release build against BASE's (a git revision), alternating on the same data; writes BENCHMARKS.md's
# "Before and after" section. For changes meant to keep behaviour: no read or write may get slower.
bench-compare: deps
	$(call ensure_packages,wrk sqlite3 python3 git)
	python3 bench/compare.py

# 64 connections of mixed reads and writes beside resets, snapshot restores and tenant creation, on loopback, for
# SOAK_SECONDS (default 100); fails on any 5xx, connection error or RSS growth of 10%; writes BENCHMARKS.md's Soak.
soak: deps
	$(call ensure_packages,wrk python3)
	python3 bench/soak.py

# Lints the Dockerfile, checks its runtime libraries and smoke-tests its runtime stage under chroot (needs root and
# Debian's archive; a few minutes). Not part of `make test`.
docker-check: deps
	bash docker/check.sh

clean:
	rm -rf .build
