import Foundation

/// Reads values out of STS's Query-API XML answers by element name.
///
/// STS answers are flat, machine-written documents (`<AssumeRoleResponse><AssumeRoleResult><Credentials>
/// <AccessKeyId>…`; errors `<ErrorResponse><Error><Code>…<Message>…`), so a tolerant extraction is enough and keeps
/// the bridge off `FoundationXML`, which on Linux links libxml2 at run time. Namespace prefixes are not expected
/// (STS uses a default `xmlns`), attributes are skipped, and the five predefined entities and numeric character
/// references are decoded.
enum STSQueryXML {
    /// The text of the first `<name>` element inside the first `<within>` element (or anywhere, when nil); nil when
    /// absent. A self-closing `<name/>` is the empty string.
    static func value(_ name: String, within: String? = nil, in xml: String) -> String? {
        var scope = Substring(xml)
        if let within {
            guard let inner = element(within, in: scope) else { return nil }
            scope = inner
        }
        return element(name, in: scope).map { decodeEntities(String($0)) }
    }

    /// The raw content of the first `<name …>…</name>` in `xml`.
    private static func element(_ name: String, in xml: Substring) -> Substring? {
        var searchFrom = xml.startIndex
        while let open = xml[searchFrom...].range(of: "<" + name) {
            // The name must end here: `<Code>` must not match `<CodeDeploy>`.
            guard let next = xml[open.upperBound...].first else { return nil }
            guard next == ">" || next == "/" || next.isWhitespace else {
                searchFrom = open.upperBound
                continue
            }
            guard let tagEnd = xml[open.upperBound...].firstIndex(of: ">") else { return nil }
            if xml[xml.index(before: tagEnd)] == "/" { return "" }
            let contentStart = xml.index(after: tagEnd)
            guard let close = xml[contentStart...].range(of: "</" + name + ">") else { return nil }
            return xml[contentStart..<close.lowerBound]
        }
        return nil
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            if let decoded = decodeEntity(entity) {
                out.unicodeScalars.append(decoded)
            } else {
                out += rest[amp...semicolon]
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        out += rest
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func decodeEntity(_ entity: Substring) -> Unicode.Scalar? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let code = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return code.flatMap(Unicode.Scalar.init)
        }
    }
}
