import Foundation

extension String {
    /// The text without leading and trailing `.whitespaces` (Unicode spaces and tab), as `trimmingCharacters(in:)`, but
    /// without its bridge through `NSString` when there is nothing to trim: a header value usually starts and ends with
    /// an ASCII byte that is neither a space nor a tab, and is then returned as it is.
    func trimmingHeaderWhitespace() -> String {
        let utf8 = self.utf8
        if let first = utf8.first, let last = utf8.last, Self.isPlainASCII(first), Self.isPlainASCII(last) {
            return self
        }
        return trimmingCharacters(in: .whitespaces)
    }

    /// An ASCII byte `.whitespaces` does not hold (its only ASCII members are the space and the tab).
    private static func isPlainASCII(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t")
    }
}
