import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`: standard input from /dev/null, standard output through a pipe the test
/// reads line by line, standard error into a temporary file read after the child is gone.
///
/// Foundation's `Process.run()` crashed here (a `memcpy` inside it, even with every launch behind one lock) while
/// other test threads ran; `posix_spawn` is glibc's thread-safe way to start a program, so tests that start hundreds
/// of processes use this instead. Pipes are made close-on-exec under one lock with the spawn, so a child never
/// inherits another child's pipe (which would keep that pipe open and its reader waiting forever).
public final class ChildProcess: @unchecked Sendable {
    /// How the child ended.
    public enum Termination: Equatable, Sendable {
        /// `exit(status)`.
        case exited(Int32)
        /// Killed by this signal.
        case signaled(Int32)
    }

    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        /// The `errno`-style code `posix_spawn` or a set-up call returned.
        public let code: Int32
        /// What failed.
        public var description: String { "cannot start the child process: \(String(cString: strerror(code)))" }
    }

    /// The child's process id.
    public let pid: pid_t
    private let output: FileHandle
    private let errorPath: String
    private let lock = NSLock()
    private static let spawnLock = NSLock()
    private var termination: Termination?

    /// Starts `executable` with `arguments` and exactly `environment`.
    /// - Throws: ``SpawnError`` when the pipe, the error file or the spawn fails.
    public init(executable: String, arguments: [String], environment: [String: String]) throws {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw SpawnError(code: errno) }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        errorPath =
            FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).err")
            .path
        defer { close(pipeEnds[1]) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // The child starts with no blocked signals and default actions for the ones a test sends, whatever the test
        // runner's threads had set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(pipeEnds[0])
            throw SpawnError(code: result)
        }
        pid = child
        output = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true)
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = wait()
        }
        unlink(errorPath)
    }

    /// The next line of standard output without its newline; nil at the end of the output.
    public func readLine() throws -> String? {
        var line: [UInt8] = []
        while let byte = try output.read(upToCount: 1)?.first {
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }

    /// The rest of standard output, read until the child closes it.
    public func readRemainingOutput() -> String {
        String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
    }

    /// What the child wrote to standard error so far.
    public var errors: String {
        String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
    }

    /// Sends a signal.
    public func send(_ signal: Int32) { kill(pid, signal) }

    /// True until the child has ended.
    public var isRunning: Bool { poll() == nil }

    /// Waits until the child ends.
    @discardableResult
    public func wait() -> Termination {
        while true {
            if let ended = lock.withLock({ termination }) { return ended }
            var status: Int32 = 0
            let result = waitpid(pid, &status, 0)
            if result == pid { return record(status) }
            if result < 0 && errno != EINTR { return lock.withLock { termination } ?? .exited(-1) }
        }
    }

    /// Waits until the child ends or `seconds` pass; nil when it is still running then.
    public func wait(seconds: Double) -> Termination? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let ended = poll() { return ended }
            usleep(2_000)
        }
        return poll()
    }

    private func poll() -> Termination? {
        if let ended = lock.withLock({ termination }) { return ended }
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid ? record(status) : nil
    }

    private func record(_ status: Int32) -> Termination {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
        let signal = status & 0x7f
        let ended: Termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        lock.withLock { termination = ended }
        return ended
    }
}

extension ChildProcess {
    /// What a program that ran to its end printed, and how it ended.
    public struct Outcome: Sendable {
        /// How it ended.
        public let termination: Termination
        /// Its standard output.
        public let output: String
        /// Its standard error.
        public let errors: String

        /// The exit status; -1 when a signal ended it.
        public var status: Int32 {
            if case .exited(let status) = termination { return status }
            return -1
        }
    }

    /// Runs `executable` to its end with this process's environment (plus `environment`).
    /// - Throws: ``SpawnError`` when it cannot be started.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> Outcome
    {
        let child = try ChildProcess(
            executable: executable, arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        let output = child.readRemainingOutput()
        let termination = child.wait()
        return Outcome(termination: termination, output: output, errors: child.errors)
    }
}
