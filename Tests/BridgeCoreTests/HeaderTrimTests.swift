@testable import BridgeCore
import Foundation
import Testing

/// `trimmingHeaderWhitespace` answers as `trimmingCharacters(in: .whitespaces)` does, whether or not it takes its
/// shortcut.
@Suite struct HeaderTrimTests {
    @Test(arguments: [
        "sha256=abc", " sha256=abc", "sha256=abc ", "\tpush\t", "  ", "", "a", " a b ", "push\u{00A0}", "\u{2003}push",
        "é", "ümlaut ", "x\r", "\npush",
    ])
    func trimsAsFoundationDoes(text: String) {
        #expect(text.trimmingHeaderWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}
