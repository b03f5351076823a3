#!/usr/bin/env bash
# The release binary as users get it (`make install`, the Docker image, `make bench`): the Swift runtime linked in
# statically, and the code optimized with a profile of the emulator at work (profile-guided optimization):
#   1. a build instrumented to count which branches and calls run (LLVM's IR-level instrumentation), under
#      .build/pgo/instrumented;
#   2. that build serving the demo data in memory while scripts/pgo_train.py sends it the requests clients make;
#   3. the release build proper, with the counts (`-ir-profile-use`), under .build/pgo/optimized: hot paths laid out
#      straight, cold code moved out of their way, inlining where the calls are frequent.
# The profile is made afresh from the sources being built, never kept in the repository, so it cannot go stale.
# PGO=0 (or a toolchain without llvm-profdata and the profile runtime) makes the plain release build instead.
#
# Usage: scripts/release-build.sh [extra `swift build` arguments]
# Progress goes to stderr; stdout is the path of the built binary and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=(swift build -c release --static-swift-stdlib --product reamaze-emulator "$@")
WORK=.build/pgo

say() { echo "release-build: $*" >&2; }

plain() {
    say "$1; building without a profile"
    "${BUILD[@]}" >&2
    echo "$("${BUILD[@]}" --show-bin-path)/reamaze-emulator"
}

if [ "${PGO:-1}" = 0 ]; then
    plain "PGO=0"
    exit 0
fi

# The profile runtime and llvm-profdata ship with every Swift toolchain (code coverage uses them).
toolchain_bin=$(dirname "$(command -v swiftc)")
profdata_tool=$toolchain_bin/llvm-profdata
resource_dir=$(swiftc -print-target-info | sed -n 's/.*"runtimeResourcePath": "\(.*\)".*/\1/p' | head -1)
runtime=$resource_dir/clang/lib/linux/libclang_rt.profile-$(uname -m).a
if [ ! -x "$profdata_tool" ] || [ ! -f "$runtime" ]; then
    plain "no llvm-profdata or profile runtime in this toolchain"
    exit 0
fi

say "building with instrumentation (1 of 3)"
INSTRUMENTED=("${BUILD[@]}" --scratch-path "$WORK/instrumented"
    -Xswiftc -Xfrontend -Xswiftc -ir-profile-generate -Xlinker "$runtime" -Xlinker -u__llvm_profile_runtime)
"${INSTRUMENTED[@]}" >&2
instrumented=$("${INSTRUMENTED[@]}" --show-bin-path)/reamaze-emulator

# Trained once per instrumented binary: an unchanged tree reuses its profile and rebuilds nothing.
profile=$WORK/emulator.profdata
optimized_scratch=$WORK/optimized
binary_sum=$(sha256sum "$instrumented" | cut -c1-64)
if [ -f "$profile" ] && [ "$(cat "$WORK/trained-binary" 2>/dev/null)" = "$binary_sum" ]; then
    say "the instrumented binary is the one trained last: its profile stands (2 of 3)"
else
    say "training on the demo data (2 of 3)"
    rm -rf "$WORK/raw"
    mkdir -p "$WORK/raw"
    LLVM_PROFILE_FILE="$PWD/$WORK/raw/train-%p.profraw" \
        python3 scripts/pgo_train.py "$instrumented" fixtures/demo.json >&2
    "$profdata_tool" merge --output "$profile" "$WORK"/raw/*.profraw
    # A build whose only change was a frontend flag was seen to keep its modules as they were (the first try's
    # binary was the plain one, byte for byte), and the file behind a flag is not watched at all: so a new profile
    # starts the optimized build afresh (its package checkouts kept).
    for products in "$optimized_scratch"/*/release; do rm -rf "$products"; done
    echo "$binary_sum" > "$WORK/trained-binary"
fi

say "building with the profile (3 of 3)"
OPTIMIZED=("${BUILD[@]}" --scratch-path "$optimized_scratch"
    -Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$PWD/$profile")
"${OPTIMIZED[@]}" >&2
echo "$("${OPTIMIZED[@]}" --show-bin-path)/reamaze-emulator"
