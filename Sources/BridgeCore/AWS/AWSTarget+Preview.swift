import Foundation

extension AWSTarget {
    /// `request` as it would go out at `date`: signed with stand-in credentials, so every header is the real one
    /// except the access key, the session token and the signature, which show as `<redacted>`.
    public func preview(_ request: AWSRequest, date: Date, notes: [String] = []) -> RequestPreview {
        let standIn = AWSCredentials(
            accessKeyID: RequestPreview.redacted, secretAccessKey: "stand-in",
            sessionToken: credentials.roleARN == nil ? nil : RequestPreview.redacted)
        let signed = signer(service: request.service).sign(request.signable(host: host), credentials: standIn, date: date)
        let headers = signed.map { header in
            guard header.name == "Authorization", let range = header.value.range(of: "Signature=") else {
                return HeaderField(header.name, header.value)
            }
            return HeaderField(header.name, header.value[..<range.upperBound] + RequestPreview.redacted)
        }
        return RequestPreview(
            call: "\(request.service) \(request.operation)", method: request.method, url: url(for: request), headers: headers,
            body: String(decoding: request.body, as: UTF8.self), notes: [credentialsNote] + notes)
    }

    /// Where the credentials come from, in words.
    var credentialsNote: String {
        var text = "credentials: "
        if let profile = credentials.profile {
            text += "profile \(profile) of the shared AWS config and credentials files"
        } else {
            text += "the standard AWS chain (environment, AWS_PROFILE or default profile, web identity, ECS, IMDSv2)"
        }
        if let role = credentials.roleARN {
            text += ", then STS AssumeRole of \(role)"
            if let session = credentials.roleSessionName { text += " as session \(session)" }
            if credentials.externalID != nil { text += " with an external id" }
            if let sts = credentials.stsEndpoint { text += " at \(sts)" }
        }
        let sessionToken = credentials.roleARN == nil ? "; X-Amz-Security-Token is added when they are temporary" : ""
        return text + sessionToken
    }
}
