/// The HTTP listener's limits: how many connections it holds, and how long a request may take to arrive.
public struct HTTPLimits: Sendable {
    /// Headers are cut when no complete request arrives for this long (also the idle time between requests).
    public static let defaultHeaderTimeout: Duration = .seconds(30)
    /// Forges give up after 10 s (Gitea 5 s): a body still arriving after 30 s is never a forge's.
    public static let defaultBodyTimeout: Duration = .seconds(30)
    /// NIO's own limit: 80 KiB of header names and values. A forge sends a few KiB.
    public static let defaultMaxHeaderSize = 80 * 1024

    /// The most connections open at once; beyond it the one waiting longest for its client is closed.
    public var maxConnections: Int
    /// How long a connection may go without a complete request head (and stay idle between requests).
    public var headerTimeout: Duration
    /// From a request's head to the end of its body.
    public var bodyTimeout: Duration
    /// The most bytes of a refused body (413, 404…) read and discarded so the client can read the answer.
    public var drainLimit: Int
    /// The most bytes of header names and values in one request (and in one field); beyond it the answer is 431.
    public var maxHeaderSize: Int

    public init(
        maxConnections: Int, headerTimeout: Duration = defaultHeaderTimeout, bodyTimeout: Duration = defaultBodyTimeout,
        drainLimit: Int = 64 << 20, maxHeaderSize: Int = defaultMaxHeaderSize
    ) {
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.drainLimit = drainLimit
        self.maxHeaderSize = maxHeaderSize
    }

    /// Drains a refused body up to twice the body cap, and never less than 64 MiB: a client that writes its whole
    /// body before reading (Ruby's `Net::HTTP`, Python's `http.client`) then reads the 413 instead of a broken pipe.
    public static func drainLimit(maxBodySize: Int) -> Int {
        let doubled = maxBodySize.multipliedReportingOverflow(by: 2)
        return max(64 << 20, doubled.overflow ? .max : doubled.partialValue)
    }
}
