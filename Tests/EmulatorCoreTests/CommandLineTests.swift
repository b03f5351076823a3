import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The executable's contract, which scripts and the Docker image depend on: flags, environment, the start-up line,
/// and a clean stop on SIGTERM and SIGINT.
@Suite struct CommandLineTests {
    /// The built `reamaze-emulator`, beside the test bundle in the build folder.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("reamaze-emulator")
    }

    /// A running emulator process with its first stdout line read.
    struct Launched {
        let child: ChildProcess
        let firstLine: String

        /// The base URL announced on the first line.
        var baseURL: String { String(firstLine.dropFirst("reamaze-emulator listening on ".count)) }
    }

    /// The binary, started with these arguments and only these `REAMAZE_EMULATOR_*` variables.
    static func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(
            executable: binary.path, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("REAMAZE_EMULATOR_") }
                .merging(environment) { $1 })
    }

    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> Launched {
        let child = try start(arguments, environment: environment)
        return Launched(child: child, firstLine: try child.readLine() ?? "")
    }

    static func get(_ url: String, login: String, token: String) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.setValue(
            "Basic " + Data("\(login):\(token)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "the reset image is a scratch file in TMPDIR, deleted on a clean stop; without a writable TMPDIR it is kept in memory"
    )
    func scratchCopies() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scratch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (directory, expectsFile) in [(scratch.path, true), ("/nonexistent-\(UUID().uuidString)", false)] {
            let launched = try Self.launch(
                ["--port", "0", "--database", ":memory:", "--login", "ci@example.com", "--token", "ci-token"],
                environment: ["TMPDIR": directory])
            let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            #expect(files.contains { $0.hasPrefix("reamaze-emulator-copy-\(launched.child.pid)-") } == expectsFile)
            var reset = URLRequest(url: try #require(URL(string: "\(launched.baseURL)/__emulator/reset")))
            reset.httpMethod = "POST"
            let (_, response) = try await URLSession.shared.data(for: reset)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(directory)")
            launched.child.send(SIGTERM)
            #expect(launched.child.wait() == .exited(0))
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "deleted on stop")
        }
    }

    @Test("flags: port 0, the exact start-up line, the bootstrap credentials, and a clean stop on SIGTERM")
    func flags() async throws {
        let launched = try Self.launch([
            "--port", "0", "--database", ":memory:", "--login", "ci@example.com", "--token", "ci-token", "--brand",
            "ci",
        ])
        #expect(launched.firstLine.hasPrefix("reamaze-emulator listening on http://127.0.0.1:"))
        let port = try #require(Int(launched.firstLine.split(separator: ":").last ?? ""))
        #expect(port > 0)
        let (status, body) = try await Self.get(
            "\(launched.baseURL)/api/v1/contacts", login: "ci@example.com", token: "ci-token")
        #expect(status == 200)
        #expect(body == #"{"page_size":30,"page_count":0,"total_count":0,"contacts":[]}"#)
        let brand = try await Self.get(
            "\(launched.baseURL.replacingOccurrences(of: "127.0.0.1", with: "ci.localhost"))/api/v1/contacts",
            login: "ci@example.com", token: "ci-token")
        #expect(brand.0 == 200, "the --brand brand exists")
        launched.child.send(SIGTERM)
        #expect(launched.child.wait() == .exited(0))
        let rest = launched.child.readRemainingOutput()
        #expect(rest.contains("login: ci@example.com  token: ci-token  brand: ci"))
    }

    @Test(
        "environment variables configure the same settings; SIGINT stops it cleanly, the data is kept, and a restart says it skipped the fixtures"
    )
    func environment() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("cli.sqlite").path
        let fixtures = directory.appendingPathComponent("fixtures.json")
        try Data(TestFixtures.reassociation.utf8).write(to: fixtures)
        let environment = [
            "REAMAZE_EMULATOR_PORT": "0", "REAMAZE_EMULATOR_DATABASE": database,
            "REAMAZE_EMULATOR_FIXTURES": fixtures.path, "REAMAZE_EMULATOR_LOGIN": "jane@acme-store.com",
            "REAMAZE_EMULATOR_TOKEN": "env-token", "REAMAZE_EMULATOR_BRAND": "acme",
        ]
        for round in 0..<2 {
            let launched = try Self.launch([], environment: environment)
            let (status, body) = try await Self.get(
                "\(launched.baseURL)/api/v1/contacts/robert@example.com", login: "jane@acme-store.com",
                token: "env-token")
            #expect(status == 200, "round \(round)")
            #expect(body.contains(#""name":"Robert""#))
            launched.child.send(SIGINT)
            #expect(launched.child.wait() == .exited(0))
            // The second start finds the data of the first: it says that it did not load the fixtures again.
            let skipped = launched.child.readRemainingOutput().contains(
                "fixtures skipped: the database already holds data (delete it or use :memory:)")
            #expect(skipped == (round == 1), "round \(round)")
        }
        #expect(FileManager.default.fileExists(atPath: database))
    }

    @Test("SIGTERM sent the moment the server first answers still stops it cleanly (the handler is set up first)")
    func earlyTermination() async throws {
        for _ in 0..<10 {
            let launched = try Self.launch(["--port", "0", "--database", ":memory:"])
            let (status, _) = try await Self.get(
                "\(launched.baseURL)/__emulator/health", login: "demo@example.com", token: "demo-token")
            #expect(status == 200)
            launched.child.send(SIGTERM)
            #expect(launched.child.wait() == .exited(0))
        }
    }

    @Test("healthcheck exits 0 against a healthy emulator (flags or environment) and 1 when nothing answers")
    func healthcheck() async throws {
        let launched = try Self.launch(["--port", "0", "--database", ":memory:"])
        let port = try #require(launched.firstLine.split(separator: ":").last.map(String.init))
        let (healthy, healthyOutput) = try Self.runToExit(["healthcheck", "--port", port], captureOutput: true)
        #expect(healthy == 0)
        #expect(healthyOutput.contains(#""status":"ok""#))
        let (viaEnvironment, _) = try Self.runToExit(
            ["healthcheck"], environment: ["REAMAZE_EMULATOR_HOST": "0.0.0.0", "REAMAZE_EMULATOR_PORT": port])
        #expect(viaEnvironment == 0)
        launched.child.send(SIGTERM)
        launched.child.wait()
        let (down, downOutput) = try Self.runToExit(["healthcheck", "--port", port], captureOutput: true)
        #expect(down == 1)
        #expect(downOutput.contains("unhealthy: cannot connect"))
    }

    @Test(
        "a bad setting is a usage error (exit 64, with the usage hint); a file or database that fails is exit 1, named",
        arguments: [
            (["--port", "70000"], 64, "the port must be 0 to 65535"),
            (["--auth-failure-status", "500"], 64, "must be 401 or 403"),
            (["--log-level", "loud"], 64, "unknown log level"),
            (["--rate-limit", "0"], 64, "the rate limit must be a positive integer"),
            (["--journal-size=-1"], 64, "the journal size cannot be negative"),
            (["--threads", "0"], 64, "the thread count must be 1 to 256, got 0"),
            (
                ["--fixtures", "/nonexistent/fixtures.json"], 1,
                "cannot read the fixtures file /nonexistent/fixtures.json: No such file or directory"
            ),
            (
                ["--database", "/nonexistent/dir/y.sqlite"], 1,
                "cannot open database '/nonexistent/dir/y.sqlite': unable to open database file"
            ),
        ])
    func refusals(arguments: [String], status expected: Int32, message: String) throws {
        let (status, text) = try Self.runToExit(["--port", "0", "--database", ":memory:"] + arguments)
        #expect(status == expected)
        #expect(text.contains(message), "stderr: \(text)")
        #expect(text.contains("See 'reamaze-emulator --help'") == (expected == 64), "stderr: \(text)")
    }

    @Test(
        "--help, -h and help show the server's options first (serve is the default), then the subcommands",
        arguments: [
            "--help", "-h", "help",
        ])
    func topLevelHelp(flag: String) throws {
        let (status, text) = try Self.runToExit([flag], captureOutput: true)
        #expect(status == 0)
        #expect(text.contains("USAGE: reamaze-emulator [serve] [<options>]"))
        for option in ["--port <port>", "--database <database>", "--fixtures <fixtures>", "--tls-dir <tls-dir>"] {
            #expect(text.contains(option), "\(option) missing from:\n\(text)")
        }
        #expect(text.contains("(default: 8080)") && text.contains("(default: demo@example.com)"))
        let options = try #require(text.range(of: "OPTIONS:")).lowerBound
        let subcommands = try #require(text.range(of: "SUBCOMMANDS:")).lowerBound
        #expect(options < subcommands)
        #expect(text.contains("healthcheck") && text.contains("certs"))
    }

    @Test("every default appears once in each subcommand's help, taken from the configuration, never written twice")
    func defaultsAppearOnce() throws {
        for command in [["serve", "--help"], ["help", "healthcheck"]] {
            let (status, text) = try Self.runToExit(command, captureOutput: true)
            #expect(status == 0)
            let lines = text.split(separator: "\n").map { String($0) }
            #expect(!lines.contains { $0.components(separatedBy: "(default:").count > 2 }, "\(text)")
        }
        let (_, health) = try Self.runToExit(["help", "healthcheck"], captureOutput: true)
        #expect(health.components(separatedBy: "(default: 2000)").count == 2, "\(health)")
    }

    /// Runs the binary until it exits by itself; its exit status and standard error (or standard output).
    static func runToExit(_ arguments: [String], environment: [String: String] = [:], captureOutput: Bool = false)
        throws -> (Int32, String)
    {
        let child = try start(arguments, environment: environment)
        let output = child.readRemainingOutput()
        guard case .exited(let status) = child.wait() else { return (-1, child.errors) }
        return (status, captureOutput ? output : child.errors)
    }

    @Test("a fixtures error names the file and the entry")
    func fixtureError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data(#"{"accounts": [{"name": "A", "brands": [{"name": "B", "url": "b.io"}]}]}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, text) = try Self.runToExit(["--port", "0", "--database", ":memory:", "--fixtures", file.path])
        #expect(status == 1)
        #expect(text.contains("\(file.path): $.accounts[0].brands[0].host: is required"), "stderr: \(text)")
    }
}
