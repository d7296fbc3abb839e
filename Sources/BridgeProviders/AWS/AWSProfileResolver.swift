import BridgeCore
import Foundation

/// Works out, from the shared credentials and config files, how a profile gets its credentials: its own keys, or a
/// role assumed on top of another profile, a `credential_source`, or a web identity token file.
///
/// Follows botocore (`credentials.py` `AssumeRoleProvider`, `SharedCredentialProvider`, `ConfigProvider`) and
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html: keys are looked up in the
/// credentials file first, then the config file; other settings come from both, the credentials file winning.
/// Pure: the chain reads the files and makes the STS calls.
struct AWSProfileResolver: Sendable {
    /// Where a role chain's first credentials come from.
    enum Base: Sendable, Hashable {
        /// A profile's own keys.
        case keys(AWSCredentials, profile: String)
        /// `credential_source = Environment | EcsContainer | Ec2InstanceMetadata`.
        case credentialSource(CredentialSource)
        /// `web_identity_token_file`, exchanged with `AssumeRoleWithWebIdentity` for this role.
        case webIdentity(tokenFile: String, role: STSClient.RoleRequest)
    }

    enum CredentialSource: String, Sendable, Hashable {
        case environment = "Environment"
        case ecsContainer = "EcsContainer"
        case ec2InstanceMetadata = "Ec2InstanceMetadata"
    }

    /// Base credentials, then each role to assume with the previous step's credentials, in order.
    struct RolePlan: Sendable, Hashable {
        var base: Base
        var roles: [STSClient.RoleRequest]
    }

    /// What a profile yields.
    enum Plan: Sendable, Hashable {
        case keys(AWSCredentials)
        case role(RolePlan)
    }

    let credentialsFile: AWSSharedConfig
    let configFile: AWSSharedConfig
    /// The two paths, for messages.
    let locations: String
    let environment: AWSEnvironment
    let defaultSessionName: String

    /// Whether either file has the profile.
    func exists(_ name: String) -> Bool {
        credentialsFile[name] != nil || configFile[name] != nil
    }

    /// The profile's settings from both files, the credentials file winning.
    func settings(_ name: String) -> [String: String]? {
        guard exists(name) else { return nil }
        return (configFile[name] ?? [:]).merging(credentialsFile[name] ?? [:]) { $1 }
    }

    /// How `name` gets credentials; nil when the profile is absent or has neither keys nor a role.
    func plan(for name: String) throws(ProviderError) -> Plan? {
        try plan(for: name, visited: [])
    }

    private func plan(for name: String, visited: [String]) throws(ProviderError) -> Plan? {
        guard let settings = settings(name) else { return nil }
        if settings["role_arn"] != nil { return .role(try rolePlan(name, settings: settings, visited: visited)) }
        if let keys = try keys(of: name) { return .keys(keys) }
        let unsupported = ["credential_process", "sso_session", "sso_start_url", "login_session"].filter { settings[$0] != nil }
        if let setting = unsupported.first {
            throw .permanent("AWS profile \"\(name)\" gets its credentials through \(setting), which gitops-bridge does not support")
        }
        return nil
    }

    /// A profile's own keys, from the credentials file, else the config file.
    func keys(of name: String) throws(ProviderError) -> AWSCredentials? {
        for file in [credentialsFile, configFile] {
            guard let settings = file[name], settings["aws_access_key_id"] != nil || settings["aws_secret_access_key"] != nil else {
                continue
            }
            guard let keyID = nonEmpty(settings["aws_access_key_id"]), let secret = nonEmpty(settings["aws_secret_access_key"]) else {
                throw .permanent("AWS profile \"\(name)\" needs both aws_access_key_id and aws_secret_access_key (\(locations))")
            }
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: nonEmpty(settings["aws_session_token"]))
        }
        return nil
    }

    private func rolePlan(_ name: String, settings: [String: String], visited: [String]) throws(ProviderError) -> RolePlan {
        let role = try roleRequest(name, settings: settings)
        let sources = ["source_profile", "credential_source", "web_identity_token_file"].filter { nonEmpty(settings[$0]) != nil }
        guard sources.count == 1 else {
            let problem = sources.isEmpty ? "none of" : "more than one of"
            throw .permanent(
                "AWS profile \"\(name)\" has role_arn and \(problem) source_profile, credential_source, web_identity_token_file")
        }
        if settings["mfa_serial"] != nil {
            throw .permanent("AWS profile \"\(name)\" needs an MFA code (mfa_serial), which a server cannot prompt for")
        }
        if let tokenFile = nonEmpty(settings["web_identity_token_file"]) {
            return RolePlan(base: .webIdentity(tokenFile: environment.expandingHome(tokenFile), role: role), roles: [])
        }
        if let sourceName = nonEmpty(settings["credential_source"]) {
            guard let source = CredentialSource(rawValue: sourceName) else {
                throw .permanent(
                    "AWS profile \"\(name)\" has credential_source \"\(sourceName)\"; use Environment, EcsContainer or Ec2InstanceMetadata")
            }
            return RolePlan(base: .credentialSource(source), roles: [role])
        }
        let sourceProfile = nonEmpty(settings["source_profile"]) ?? ""
        // botocore's one allowed self-reference: a profile whose source is itself uses its own keys.
        if sourceProfile == name, let keys = try keys(of: name) {
            return RolePlan(base: .keys(keys, profile: name), roles: [role])
        }
        let path = visited + [name]
        if path.contains(sourceProfile) {
            throw .permanent("AWS profiles form a source_profile cycle: \((path + [sourceProfile]).joined(separator: " -> "))")
        }
        switch try plan(for: sourceProfile, visited: path) {
        case .keys(let keys):
            return RolePlan(base: .keys(keys, profile: sourceProfile), roles: [role])
        case .role(let plan):
            return RolePlan(base: plan.base, roles: plan.roles + [role])
        case nil:
            let problem = exists(sourceProfile) ? "which has no credentials" : "which is not in \(locations)"
            throw .permanent("AWS profile \"\(name)\" has source_profile \"\(sourceProfile)\", \(problem)")
        }
    }

    private func roleRequest(_ name: String, settings: [String: String]) throws(ProviderError) -> STSClient.RoleRequest {
        guard let roleARN = nonEmpty(settings["role_arn"]) else {
            throw .permanent("AWS profile \"\(name)\" has an empty role_arn")
        }
        var duration: Int?
        if let text = nonEmpty(settings["duration_seconds"]) {
            guard let seconds = Int(text), seconds > 0 else {
                throw .permanent("AWS profile \"\(name)\" has duration_seconds \"\(text)\"; expected a number of seconds")
            }
            duration = seconds
        }
        return STSClient.RoleRequest(
            roleARN: roleARN, sessionName: nonEmpty(settings["role_session_name"]) ?? defaultSessionName,
            externalID: nonEmpty(settings["external_id"]), durationSeconds: duration)
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
