import Testing

@testable import BridgeStore

/// Reasons read out of the errors of PostgresNIO's stack.
@Suite struct PostgresFailureTests {
    @Test func tlsReasonsAreReadOutOfBoringSSLErrors() {
        let text = "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /x/handshake.cc:320"
        #expect(PostgresFailure.reasonName(text) == "certificate verify failed")
        #expect(PostgresFailure.reasonName("something else") == "something else")
    }
}
