#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`), and the connection bound that keeps descriptors in reserve.
///
/// Running out of descriptors is fatal, not merely slow: SQLite cannot open its files, commands cannot get a pipe,
/// and libdispatch, which runs Swift's concurrency on Linux, traps (SIGILL) when it cannot open `/proc/<tid>/stat`.
/// So connections, the only thing a stranger can multiply, never get the last descriptors.
public enum DescriptorLimit {
    /// The default bound however high the limit: forges send a few deliveries a second, and each connection costs
    /// memory (about 100 MB for 4,096 held open).
    public static let defaultMaximumConnections = 4096

    /// Descriptors kept from connections: the database (a writer and readers, each with its WAL), the worker's
    /// commands (a pipe each), outbound calls, the runtime. Half of a limit under 512.
    public static func reserve(forLimit limit: Int) -> Int {
        limit >= 512 ? 256 : limit / 2
    }

    /// The connection bound under `limit` open descriptors: `requested` if it leaves the reserve free (else as many
    /// as do, and `lowered` says so); without a request, as many as the reserve allows up to the default bound.
    public static func connectionBound(requested: Int?, limit: Int) -> (bound: Int, lowered: Bool) {
        let ceiling = max(1, limit - reserve(forLimit: limit))
        guard let requested else { return (min(ceiling, defaultMaximumConnections), false) }
        return requested > ceiling ? (ceiling, true) : (requested, false)
    }

    /// The soft limit in force.
    public static func current() -> Int {
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0 else { return 1024 }
        return Int(clamping: limits.rlim_cur)
    }

    /// Raises the soft limit to the hard one, as Go and the JVM do at start-up (systemd's default soft limit is
    /// 1,024 under a hard limit of 524,288); returns the soft limit before, when it was raised.
    @discardableResult
    public static func raiseSoftLimit() -> Int? {
        var limits = rlimit()
        guard getrlimit(resource, &limits) == 0, limits.rlim_cur < limits.rlim_max else { return nil }
        let before = limits.rlim_cur
        // The kernel refuses more than fs.nr_open (1,048,576 by default), which an unlimited hard limit exceeds.
        limits.rlim_cur = min(limits.rlim_max, 1 << 20)
        guard setrlimit(resource, &limits) == 0 else { return nil }
        return Int(clamping: before)
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
