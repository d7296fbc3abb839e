import BridgeCore
import Foundation
import Testing

@Suite struct SigV4SignerTests {
    /// The AWS SigV4 test suite's credentials and time (aws-c-auth `tests/aws-signing-test-suite/v4`).
    static let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    static func authorization(_ headers: [(name: String, value: String)]) -> String {
        headers.first { $0.name == "Authorization" }?.value ?? ""
    }

    @Test func amzDateIsUTC() {
        #expect(SigV4Signer.amzDate(Self.suiteDate) == "20150830T123600Z")
    }

    @Test func getVanillaFromTheAWSTestSuite() {
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let headers = signer.sign(
            SignableRequest(method: "GET", host: "example.amazonaws.com", path: "/"), credentials: Self.suiteCredentials,
            date: Self.suiteDate)
        #expect(
            Self.authorization(headers)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func uriEncodingIsRFC3986() {
        #expect(SigV4Signer.uriEncode("a b/c~d_e.f-g*h+é") == "a%20b%2Fc~d_e.f-g%2Ah%2B%C3%A9")
    }
}
