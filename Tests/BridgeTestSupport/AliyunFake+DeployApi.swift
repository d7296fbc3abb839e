import BridgeCore
import Foundation

/// `DeployApi` as the fake serves it: route, signature, nonce, any fault, then the business parameters.
/// https://www.alibabacloud.com/help/en/api-gateway/developer-reference/api-cloudapi-2016-07-14-deployapi
extension AliyunFake {
    typealias Refusal = AlibabaRequestVerifier.Refusal

    /// An answer, with the error code in it for the record.
    struct Outcome {
        var answer: FakeAnswer
        var errorCode: String?
    }

    static let stageNames: Set<String> = ["RELEASE", "PRE", "TEST"]

    func handle(_ request: StandInRequest, requestID: String, state: inout AliyunFakeState) -> Outcome {
        let refuse = { (refusal: Refusal) in Self.error(refusal, requestID: requestID, host: request.host) }
        guard request.method == "POST", request.path == "/" else {
            return refuse(
                Refusal(status: 404, code: "InvalidAction.NotFound", message: "Specified api is not found, please check your url and method."))
        }
        let verified: AlibabaRequestVerifier.Verified
        do {
            verified = try AlibabaRequestVerifier(credentials: credentials, now: now()).verify(
                method: request.method, query: request.query, host: request.host, headers: request.headers, body: request.body)
        } catch {
            return refuse(error)
        }
        guard state.nonces.insert(verified.nonce).inserted else {
            return refuse(Refusal(status: 400, code: "SignatureNonceUsed", message: "Specified signature nonce was used already."))
        }
        if !state.faults.isEmpty, case .error(let status, let code, let message, let retryAfter) = state.faults.removeFirst() {
            var outcome = refuse(Refusal(status: status, code: code, message: message))
            if let retryAfter { outcome.answer.headers["x-acs-retry-after"] = retryAfter }
            return outcome
        }
        do {
            state.deployments.append(try deployment(verified, body: request.body, requestID: requestID))
        } catch {
            return refuse(error)
        }
        return Outcome(answer: .json(200, .object(["RequestId": .string(requestID)])), errorCode: nil)
    }

    /// The deployment a verified request asks for, or why it cannot be made.
    private func deployment(_ verified: AlibabaRequestVerifier.Verified, body: [UInt8], requestID: String) throws(Refusal) -> Deployment {
        guard body.isEmpty else {
            throw AlibabaRequestVerifier.invalid("body", "the fake takes every parameter in the query and an empty body")
        }
        let parameters = verified.parameters
        for name in ["ApiId", "StageName", "Description"] where (parameters[name] ?? "").isEmpty {
            throw AlibabaRequestVerifier.missing(name)
        }
        let apiID = parameters["ApiId"] ?? ""
        let stageName = parameters["StageName"] ?? ""
        let groupID = parameters["GroupId"].flatMap { $0.isEmpty ? nil : $0 }
        guard Self.stageNames.contains(stageName) else { throw AlibabaRequestVerifier.invalid("StageName", "it must be RELEASE, PRE or TEST") }
        if let apis {
            if let groupID, !apis.contains(where: { $0.groupID == groupID }) {
                throw Refusal(status: 400, code: "NotFoundApiGroup", message: "The API group \(groupID) does not exist.")
            }
            guard apis.contains(where: { $0.apiID == apiID && (groupID == nil || $0.groupID == groupID) }) else {
                throw Refusal(status: 400, code: "NotFoundApi", message: "The API \(apiID) does not exist.")
            }
        }
        return Deployment(
            requestID: requestID, groupID: groupID, apiID: apiID, stageName: stageName, description: parameters["Description"] ?? "",
            signature: verified.signature, sentSecurityToken: verified.sentSecurityToken)
    }

    /// Alibaba's JSON error: `{"RequestId","HostId","Code","Message","Recommend"}`.
    static func error(_ refusal: Refusal, requestID: String, host: String) -> Outcome {
        let recommend = "https://api.aliyun.com/troubleshoot?q=\(refusal.code)&product=CloudAPI&requestId=\(requestID)"
        let body: ConfigValue = .object([
            "RequestId": .string(requestID), "HostId": .string(host), "Code": .string(refusal.code), "Message": .string(refusal.message),
            "Recommend": .string(recommend),
        ])
        return Outcome(answer: .json(refusal.status, body), errorCode: refusal.code)
    }

    /// What the fake keeps of a request: never its signature or security token.
    static func record(_ request: StandInRequest, requestID: String, outcome: Outcome) -> RecordedRequest {
        var parameters = AlibabaRequestVerifier.parameters(AlibabaRequestVerifier.pairs(request.query ?? ""))
        let signature: SignatureVersion? =
            request.header("Authorization") != nil ? .acs3 : parameters["Signature"] != nil ? .rpc : nil
        for name in ["Signature", "SecurityToken"] where parameters[name] != nil { parameters[name] = "[REDACTED]" }
        var headers = request.headers
        for name in ["authorization", "x-acs-security-token"] where headers[name] != nil { headers[name] = "[REDACTED]" }
        return RecordedRequest(
            method: request.method, path: request.path, parameters: parameters, headers: headers, signature: signature,
            requestID: requestID, responseStatus: outcome.answer.status, errorCode: outcome.errorCode)
    }
}
