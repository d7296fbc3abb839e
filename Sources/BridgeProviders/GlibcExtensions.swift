import Foundation
import Glibc

/// The glibc functions the child process needs that POSIX lacks: `pipe2` (glibc 2.9) and the `posix_spawn` file
/// actions closing every descriptor from a number on (2.34) and changing directory (2.29).
///
/// glibc declares them only under `_GNU_SOURCE`, which Swift's Glibc module is not built with, so they are looked up
/// by name once. Without `closefrom`, the descriptors open at spawn time are closed one by one instead.
enum GlibcExtensions {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private typealias AddChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    // Safety: the symbols are glibc's, with exactly these C signatures (unistd.h, spawn.h).
    private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    // Safety: as above.
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }
    // Safety: as above.
    private static let addChangeDirectory: AddChangeDirectory? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChangeDirectory.self)
    }

    /// A pipe with both ends close-on-exec, so a child spawned by another thread meanwhile cannot inherit them.
    static func closeOnExecPipe(_ ends: inout [Int32]) -> Int32 {
        guard ends.count == 2 else { return EINVAL }
        if let pipe2 { return pipe2(&ends, O_CLOEXEC) == 0 ? 0 : errno }
        // Without pipe2 the flag is set just after: our own children close everything above 2 anyway.
        guard pipe(&ends) == 0 else { return errno }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return 0
    }

    /// Adds actions closing every descriptor from `lowest` on in the child.
    static func closeDescriptors(from lowest: Int32, in actions: inout posix_spawn_file_actions_t) -> Int32 {
        if let addCloseFrom { return addCloseFrom(&actions, lowest) }
        // Older glibc: close what is open now. A descriptor opened by another thread after this listing is
        // close-on-exec if it was opened by this code or, in practice, by the server's libraries.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for descriptor in open where descriptor >= lowest {
            let result = posix_spawn_file_actions_addclose(&actions, descriptor)
            if result != 0 { return result }
        }
        return 0
    }

    /// Adds an action changing the child's working directory to `directory` before it runs the program; ENOSYS when
    /// this C library cannot.
    static func changeDirectory(to directory: String, in actions: inout posix_spawn_file_actions_t) -> Int32 {
        guard let addChangeDirectory else { return ENOSYS }
        return addChangeDirectory(&actions, directory)
    }
}
