// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "reamaze-emulator",
    products: [
        .executable(name: "reamaze-emulator", targets: ["reamaze-emulator"]),
        .library(name: "EmulatorCore", targets: ["EmulatorCore"]),
        .library(name: "ReamazeEmulator", targets: ["ReamazeEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CGnuTLS",
            pkgConfig: "gnutls",
            providers: [.apt(["libgnutls28-dev"])]
        ),
        // The JSON codec: a strict parser, the value it yields and the one writer. Knows nothing of HTTP or SQL.
        .target(name: "JSON"),
        .target(name: "MicroHTTP", dependencies: ["CMicroHTTPD"]),
        .target(name: "LocalTLS", dependencies: ["CGnuTLS"]),
        // Each commit's write-ahead-log frames written in one system call (a VFS over the default one, in C).
        .target(name: "CSQLiteWALBatch", dependencies: ["CSQLite"]),
        .target(name: "SQLiteStore", dependencies: ["CSQLite", "CSQLiteWALBatch"]),
        .target(
            name: "EmulatorCore",
            dependencies: [
                "JSON",
                "MicroHTTP",
                "SQLiteStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            // The console page is compiled into the binary: nothing to install or find at run time.
            resources: [.embedInCode("Console/console.html"), .embedInCode("OpenAPI/openapi.yaml")]
        ),
        .target(
            name: "ReamazeEmulator",
            dependencies: ["EmulatorCore", "JSON", "MicroHTTP", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "reamaze-emulator",
            dependencies: [
                "EmulatorCore",
                "LocalTLS",
                "MicroHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "MicroHTTPTests", dependencies: ["MicroHTTP", "TestSupport"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "LocalTLSTests", dependencies: ["LocalTLS", "TestSupport"]),
        .testTarget(name: "ReamazeEmulatorTests", dependencies: ["ReamazeEmulator"]),
        .testTarget(
            name: "EmulatorCoreTests",
            dependencies: ["EmulatorCore", "JSON", "MicroHTTP", "SQLiteStore", "TestSupport"],
            // The recorded answers TranscriptTests compares with: read from the source tree, not bundled.
            exclude: ["Transcripts"]
        ),
    ]
)
