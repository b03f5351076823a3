import ArgumentParser
import Dispatch
import Glibc

/// The process entry: SIGINT and SIGTERM are blocked before anything can start a thread, then the command runs.
@main
enum EntryPoint {
    static func main() {
        // First, before libmicrohttpd, libdispatch or anything else starts a thread: every thread inherits the mask,
        // so neither signal can be delivered to a thread that would run a handler (or the default action) instead
        // of the one `sigwait` below. A signal that arrives before the server waits stays pending, never lost.
        TerminationSignals.block()
        if TopLevelHelp.isAsked(Array(CommandLine.arguments.dropFirst())) {
            print(TopLevelHelp.text)
            return
        }
        do {
            var command = try ReamazeEmulatorCommand.parseAsRoot()
            // Only the server waits for the signals; `healthcheck` and `certs` keep the default action (exit).
            if !(command is Serve) { TerminationSignals.unblock() }
            try command.run()
        } catch {
            ReamazeEmulatorCommand.exit(withError: error)
        }
    }
}

/// SIGINT and SIGTERM, received by waiting for them (`sigwait`) rather than by a handler.
///
/// A handler-based design (a dispatch signal source plus `SIG_IGN`) lost signals for good when the ignore replaced a
/// handler installed first; blocked signals cannot be lost: they stay pending until `sigwait` takes them.
enum TerminationSignals {
    private static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks both in the calling thread, and so in every thread it starts afterwards.
    static func block() {
        var set = set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Restores the default delivery in the calling thread.
    static func unblock() {
        var set = set
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Waits on the calling thread until SIGINT or SIGTERM arrives (or returns at once if one is pending); its number.
    static func wait() -> Int32 {
        var set = set
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    /// A second SIGINT or SIGTERM during the graceful stop ends the process at once (a second Ctrl-C).
    static func exitOnNext() {
        DispatchQueue.global().async {
            let signal = wait()
            _exit(128 + signal)
        }
    }
}

/// `reamaze-emulator --help` (and `-h`, `help`): the server's options first, since `serve` is the default command
/// and what nearly everyone runs, then the other subcommands. ArgumentParser alone would list only the subcommands.
enum TopLevelHelp {
    static func isAsked(_ arguments: [String]) -> Bool {
        arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"]
    }

    static var text: String {
        let serve = Serve.helpMessage()
        let root = ReamazeEmulatorCommand.helpMessage()
        // Serve's help from its options on, under the root's overview and a usage line that shows `serve` optional.
        let options = serve.firstRange(of: "OPTIONS:").map { String(serve[$0.lowerBound...]) } ?? serve
        let subcommands = root.firstRange(of: "SUBCOMMANDS:").map { String(root[$0.lowerBound...]) } ?? ""
        return """
            OVERVIEW: \(ReamazeEmulatorCommand.configuration.abstract)

            USAGE: reamaze-emulator [serve] [<options>]
                   reamaze-emulator <subcommand> [<options>]

            \(options.trimmingTrailingNewlines)

            \(subcommands.trimmingTrailingNewlines)
            """
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
