/// Why a verified delivery could not be parsed. The description is short, safe to return in a 400 answer,
/// and never quotes the body.
public enum PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body (or the form's `payload` field) is not JSON.
    case malformedJSON
    /// The form-encoded body is not valid (bad percent-encoding, or no `payload` field).
    case malformedForm(reason: String)
    /// A field the bridge needs is absent or null (a dotted path such as `repository.full_name`).
    case missingField(String)
    /// A field has a type the bridge cannot read (a dotted path).
    case invalidField(String)
    /// A header the forge always sends is absent.
    case missingHeader(String)

    public var description: String {
        switch self {
        case .malformedJSON: "the body is not valid JSON"
        case .malformedForm(let reason): "the form-encoded body is invalid: \(reason)"
        case .missingField(let path): "the payload has no \(path) field"
        case .invalidField(let path): "the payload field \(path) has an unexpected type"
        case .missingHeader(let name): "the \(name) header is missing"
        }
    }
}
