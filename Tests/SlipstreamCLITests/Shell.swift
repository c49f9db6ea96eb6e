// Running the built `slipstream` from a shell in the tests: where it is, and one command line's
// status, standard output and standard error.

import Foundation

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The folder of the `slipstream` built beside this test bundle.
let binaryDirectory: String = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<4 {
        if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("slipstream").path) {
            return folder.path
        }
        folder = folder.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug").path
}()

struct ShellResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `command` with `/bin/sh -c` in `directory`, the built `slipstream` first on the PATH and no
/// standard input. Spawned (not with Foundation's `Process`, which waits for every holder of a socket
/// it gives its child) with every descriptor above 2 closed: a server the command leaves running in
/// the background (the README's `slipstream serve &`) must hold none of this process's pipes.
func shell(_ command: String, in directory: String) throws -> ShellResult {
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = binaryDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    var out: [Int32] = [0, 0]
    var err: [Int32] = [0, 0]
    guard pipe(&out) == 0, pipe(&err) == 0 else { throw POSIXError(.EMFILE) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out[1], 1)
    posix_spawn_file_actions_adddup2(&actions, err[1], 2)
    // Bash, as dash closes descriptors 0-9 only; then the command's own shell.
    let closeInherited = #"for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; "#
    let script = closeInherited + "cd \"$0\" || exit 70; exec /bin/sh -c \"$1\""
    let words: [String] = ["/bin/bash", "-c", script, directory, command]
    let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    let assignments: [String] = environment.map { "\($0.key)=\($0.value)" }
    let variables: [UnsafeMutablePointer<CChar>?] = assignments.map { strdup($0) } + [nil]
    defer { (arguments + variables).forEach { free($0) } }
    // Signals as a terminal's shell has them: this process ignores SIGPIPE, which a child would
    // inherit, and `slipstream columns | head` would then see a broken pipe instead of quietly ending.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, arguments, variables)
    close(out[1])
    close(err[1])
    guard spawned == 0 else {
        close(out[0])
        close(err[0])
        throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL)
    }
    // Both pipes at once: a command that fills one while the other is read would block.
    nonisolated(unsafe) var stderr: [UInt8] = []
    let done = DispatchSemaphore(value: 0)
    let errReader = err[0]
    DispatchQueue.global().async {
        stderr = readAll(errReader)
        done.signal()
    }
    let stdout = readAll(out[0])
    done.wait()
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, which Swift does not import: the low 7 bits are the signal, if any.
    let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return ShellResult(
        status: exitStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Everything from `fd` until its end; closes it.
private func readAll(_ fd: Int32) -> [UInt8] {
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            result += buffer[..<count]
        } else if count == 0 || errno != EINTR {
            return result
        }
    }
}
