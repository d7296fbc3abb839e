/// Why a request's body stream failed: it did not arrive within the body timeout (the connection is closed).
struct RequestBodyTimeout: Error, CustomStringConvertible {
    var description: String { "the request body did not arrive within the body timeout" }
}
