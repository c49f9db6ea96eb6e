// Signal handling: an output file being written is removed when the process is interrupted.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum Interrupts {
    /// Removes `path` if the process is interrupted (SIGINT, SIGTERM, SIGHUP) before
    /// ``forgetOnInterrupt()``: an unfinished output file is never left behind.
    static func removeOnInterrupt(_ path: String) {
        let copy = strdup(path)
        interruptedOutputPath.store(copy)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { number in
                if let path = interruptedOutputPath.load() { unlink(path) }
                _exit(128 + number)
            }
        }
    }

    /// Leaves the file in place on interrupt again.
    static func forgetOnInterrupt() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { signal(signalNumber, SIG_DFL) }
        if let old = interruptedOutputPath.load() {
            interruptedOutputPath.store(nil)
            free(old)
        }
    }
}

/// The path to remove when interrupted; read by a signal handler, so a raw C string.
private let interruptedOutputPath = InterruptPath()

private final class InterruptPath: @unchecked Sendable {
    // Written only by the main thread before and after a batch; read by the signal handler.
    nonisolated(unsafe) private var path: UnsafeMutablePointer<CChar>?
    func store(_ value: UnsafeMutablePointer<CChar>?) { path = value }
    func load() -> UnsafeMutablePointer<CChar>? { path }
}
