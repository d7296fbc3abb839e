import BridgeCore
import Foundation

/// The parts of a SigV4 `Authorization` header.
struct SigV4Authorization: Sendable {
    var accessKeyID: String
    var date: String
    var region: String
    var service: String
    var signedHeaders: [String]
    var signature: String

    /// Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex`.
    init?(_ header: String) {
        guard header.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
        var parts: [String: String] = [:]
        for item in header.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[String(pair[0])] = String(pair[1]) }
        }
        let scope = parts["Credential"]?.split(separator: "/").map(String.init) ?? []
        guard scope.count == 5, scope[4] == "aws4_request", let signedHeaders = parts["SignedHeaders"], let signature = parts["Signature"]
        else { return nil }
        self.accessKeyID = scope[0]
        self.date = scope[1]
        self.region = scope[2]
        self.service = scope[3]
        self.signedHeaders = signedHeaders.split(separator: ";").map(String.init)
        self.signature = signature
    }
}

extension STSStandIn {
    /// An STS error: status, code, message.
    struct Failure: Error {
        var status: Int
        var code: String
        var message: String

        static func accessDenied(_ message: String) -> Failure { Failure(status: 403, code: "AccessDenied", message: message) }
        static func validation(_ message: String) -> Failure { Failure(status: 400, code: "ValidationError", message: message) }
    }

    func handle(_ request: StandInRequest, state: inout State) -> Result<String, Failure> {
        guard request.method == "POST", request.path == "/" else {
            return .failure(Failure(status: 404, code: "UnknownOperation", message: "\(request.method) \(request.path) is not STS"))
        }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return .failure(Failure(status: 400, code: "InvalidParameterValue", message: "the body must be form-encoded"))
        }
        let form = request.form
        guard form["Version"] == "2011-06-15" else {
            return .failure(Failure(status: 400, code: "InvalidParameterValue", message: "Version must be 2011-06-15"))
        }
        do {
            switch form["Action"] {
            case "AssumeRole":
                let caller = try verifySignature(request, state: state)
                return .success(try assumeRole(form, caller: caller, state: &state))
            case "AssumeRoleWithWebIdentity":
                return .success(try assumeRoleWithWebIdentity(form, state: &state))
            default:
                return .failure(Failure(status: 400, code: "InvalidAction", message: "Could not find operation \(form["Action"] ?? "")"))
            }
        } catch {
            return .failure(error)
        }
    }

    /// The caller's access key id, once the signature is checked the way STS checks it.
    func verifySignature(_ request: StandInRequest, state: State) throws(Failure) -> String {
        guard let header = request.header("Authorization") else {
            throw Failure(status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token")
        }
        guard let authorization = SigV4Authorization(header), authorization.service == "sts", authorization.region == region,
            let amzDate = request.header("X-Amz-Date"), amzDate.hasPrefix(authorization.date), let date = Self.date(amzDate),
            authorization.signedHeaders.contains("host"), authorization.signedHeaders.contains("x-amz-date")
        else {
            throw Failure(status: 403, code: "IncompleteSignature", message: "The request signature does not conform to AWS standards.")
        }
        guard let key = state.keys[authorization.accessKeyID] else {
            throw Failure(status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.")
        }
        let sessionToken = request.header("X-Amz-Security-Token")
        guard key.sessionToken == sessionToken else {
            throw Failure(status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid.")
        }
        let added: Set<String> = ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        let headers = authorization.signedHeaders.filter { !added.contains($0) }.map { (name: $0, value: request.header($0) ?? "") }
        let query: [(name: String, value: String)] = (request.query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        let signable = SignableRequest(
            method: request.method, host: request.host, path: request.path, query: query, headers: headers, body: request.body)
        let signer = SigV4Signer(
            service: authorization.service, region: authorization.region,
            signsContentSHA256: authorization.signedHeaders.contains("x-amz-content-sha256"))
        let credentials = AWSCredentials(accessKeyID: authorization.accessKeyID, secretAccessKey: key.secret, sessionToken: sessionToken)
        let expected = signer.sign(signable, credentials: credentials, date: date).first { $0.name == "Authorization" }?.value
        guard expected == header else {
            throw Failure(
                status: 403, code: "SignatureDoesNotMatch",
                message:
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
            )
        }
        return authorization.accessKeyID
    }

    private func assumeRole(_ form: [String: String], caller: String, state: inout State) throws(Failure) -> String {
        let role = try role(form, action: "sts:AssumeRole", caller: "arn:aws:iam::\(Self.accountID):user/\(caller)")
        if let required = role.externalID, form["ExternalId"] != required {
            throw .accessDenied(
                "User: arn:aws:iam::\(Self.accountID):user/\(caller) is not authorized to perform: sts:AssumeRole on resource: \(role.arn)")
        }
        let (sessionName, duration) = try session(form)
        let credentials = issue(duration: duration, state: &state)
        return Self.document("AssumeRole", role: role, sessionName: sessionName, credentials: credentials, extra: "")
    }

    private func assumeRoleWithWebIdentity(_ form: [String: String], state: inout State) throws(Failure) -> String {
        guard let token = form["WebIdentityToken"], webIdentityTokens.contains(token) else {
            throw Failure(status: 400, code: "InvalidIdentityToken", message: "Couldn't verify the web identity token.")
        }
        let role = try role(form, action: "sts:AssumeRoleWithWebIdentity", caller: "the web identity")
        let (sessionName, duration) = try session(form)
        let credentials = issue(duration: duration, state: &state)
        let extra =
            "<SubjectFromWebIdentityToken>system:serviceaccount:bridge:gitops-bridge</SubjectFromWebIdentityToken>"
            + "<Audience>sts.amazonaws.com</Audience>"
        return Self.document("AssumeRoleWithWebIdentity", role: role, sessionName: sessionName, credentials: credentials, extra: extra)
    }

    private func role(_ form: [String: String], action: String, caller: String) throws(Failure) -> Role {
        guard let arn = form["RoleArn"], !arn.isEmpty else { throw .validation("1 validation error detected: RoleArn is required") }
        guard let role = roles.first(where: { $0.arn == arn }) else {
            throw .accessDenied("User: \(caller) is not authorized to perform: \(action) on resource: \(arn)")
        }
        return role
    }

    /// `RoleSessionName` (required, `[\w+=,.@-]{2,64}`) and `DurationSeconds` (900…43200, default 3600).
    private func session(_ form: [String: String]) throws(Failure) -> (name: String, duration: Int) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")
        guard let name = form["RoleSessionName"], (2...64).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .validation("1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
        }
        guard let text = form["DurationSeconds"] else { return (name, 3600) }
        guard let duration = Int(text), (900...43200).contains(duration) else {
            throw .validation("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint")
        }
        return (name, duration)
    }

    private func issue(duration: Int, state: inout State) -> AWSCredentials {
        let number = state.issued.count + 1
        let credentials = AWSCredentials(
            accessKeyID: "ASIASTSSTANDIN\(number)", secretAccessKey: "sts-secret-\(number)-\(UUID().uuidString)",
            sessionToken: "sts-session-token-\(number)-\(UUID().uuidString)", expiration: now().addingTimeInterval(TimeInterval(duration)))
        state.issued.append(credentials)
        state.keys[credentials.accessKeyID] = (credentials.secretAccessKey, credentials.sessionToken)
        return credentials
    }

    static func document(_ action: String, role: Role, sessionName: String, credentials: AWSCredentials, extra: String) -> String {
        let roleName = role.arn.split(separator: "/").last.map(String.init) ?? role.arn
        let expiration = (credentials.expiration ?? Date()).formatted(.iso8601)
        return """
            <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <\(action)Result>
                \(extra)
                <AssumedRoleUser>
                  <AssumedRoleId>AROASTANDIN:\(escape(sessionName))</AssumedRoleId>
                  <Arn>arn:aws:sts::\(accountID):assumed-role/\(escape(roleName))/\(escape(sessionName))</Arn>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>\(escape(credentials.accessKeyID))</AccessKeyId>
                  <SecretAccessKey>\(escape(credentials.secretAccessKey))</SecretAccessKey>
                  <SessionToken>\(escape(credentials.sessionToken ?? ""))</SessionToken>
                  <Expiration>\(expiration)</Expiration>
                </Credentials>
              </\(action)Result>
              <ResponseMetadata><RequestId>\(UUID().uuidString.lowercased())</RequestId></ResponseMetadata>
            </\(action)Response>
            """
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> FakeAnswer {
        let type = status >= 500 ? "Receiver" : "Sender"
        let body = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>\(type)</Type><Code>\(escape(code))</Code><Message>\(escape(message))</Message></Error>
              <RequestId>\(UUID().uuidString.lowercased())</RequestId>
            </ErrorResponse>
            """
        return FakeAnswer(status: status, contentType: "text/xml", body: body)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` back to a date.
    static func date(_ amzDate: String) -> Date? {
        let digits = Array(amzDate.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: digits[range], as: UTF8.self)) }
        var components = DateComponents()
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        components.hour = number(9..<11)
        components.minute = number(11..<13)
        components.second = number(13..<15)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components)
    }
}
