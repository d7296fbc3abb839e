import BridgeCore
import Glibc

/// Finds the program a `command` step names and checks its working directory, before anything is spawned, so a
/// mistake reads as what it is rather than as a bare `errno`.
enum ProgramSearch {
    /// The path to spawn for `program`. A name with a slash is used as written (a relative one is relative to the
    /// step's working directory, as in a shell that changed into it); a bare name is looked up in `searchPath` (the
    /// child's `PATH`), in absolute directories only: an empty or relative entry would make the working directory
    /// (a checkout, possibly) decide which program runs.
    static func path(for program: String, searchPath: String) throws(ProviderError) -> String {
        guard !program.contains("/") else { return program }
        var deniedError = false
        for directory in searchPath.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(program)" : "\(directory)/\(program)"
            guard isRegularFile(candidate) else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            deniedError = true
        }
        throw .permanent("cannot run \(program): " + (deniedError ? message(EACCES) : "not found in PATH"))
    }

    /// Checks that `directory` exists and can be entered.
    static func checkDirectory(_ directory: String) throws(ProviderError) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw .permanent("working directory \(directory) does not exist") }
            throw .permanent("working directory \(directory) cannot be used: \(message(code))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .permanent("working directory \(directory) is not a directory") }
        guard access(directory, X_OK) == 0 else {
            throw .permanent("working directory \(directory) cannot be entered: \(message(errno))")
        }
    }

    /// The C library's text for an `errno` value: `No such file or directory`.
    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }
}
