import BridgeCore
import Foundation

/// Walking the chain for a source's base credentials the first time.
extension AWSCredentialsChain {
    static let noCredentialsMessage =
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, web identity, or run on ECS/EC2"

    /// The first credentials the chain finds, in botocore's order (see the type's documentation).
    func discover(_ source: AWSCredentialsSource) async throws(ProviderError) -> ResolvedCredentials {
        let explicitProfile = source.profile
        if explicitProfile == nil, let keys = try environmentKeys() {
            return ResolvedCredentials(credentials: keys, origin: .environment)
        }
        let profiles = try profileResolver()
        let profileName = explicitProfile ?? environment["AWS_PROFILE"] ?? "default"
        if explicitProfile != nil || environment["AWS_PROFILE"] != nil, !profiles.exists(profileName) {
            throw .permanent("AWS profile \"\(profileName)\" is not in \(profiles.locations)")
        }
        let plan = try profiles.plan(for: profileName)
        if case .role(let rolePlan) = plan {
            return ResolvedCredentials(credentials: try await run(rolePlan, source: source), origin: .profile(profileName))
        }
        if explicitProfile == nil, let (tokenFile, role) = try environmentWebIdentity() {
            let credentials = try await webIdentity(tokenFile: tokenFile, role: role, source: source)
            return ResolvedCredentials(credentials: credentials, origin: .webIdentity(tokenFile: tokenFile, role: role))
        }
        if case .keys(let keys) = plan {
            return ResolvedCredentials(credentials: keys, origin: .profile(profileName))
        }
        if let endpoint = try ContainerCredentials.endpoint(in: environment, host: containerHost) {
            return ResolvedCredentials(credentials: try await container.fetch(endpoint), origin: .container(endpoint))
        }
        guard !environment.isTrue("AWS_EC2_METADATA_DISABLED") else { throw .permanent(Self.noCredentialsMessage) }
        switch try await instanceMetadata.fetch() {
        case .credentials(let credentials):
            return ResolvedCredentials(credentials: credentials, origin: .instanceMetadata)
        case .unavailable(let reason):
            throw .permanent("\(Self.noCredentialsMessage) (\(reason))")
        }
    }

    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`); nil when neither is set.
    func environmentKeys() throws(ProviderError) -> AWSCredentials? {
        switch (environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]) {
        case (nil, nil):
            return nil
        case (let keyID?, let secret?):
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"])
        case (_?, nil):
            throw .permanent("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, _?):
            throw .permanent("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        }
    }

    /// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`; nil without a token file.
    func environmentWebIdentity() throws(ProviderError) -> (tokenFile: String, role: STSClient.RoleRequest)? {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] else { return nil }
        guard let roleARN = environment["AWS_ROLE_ARN"] else {
            throw .permanent("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
        }
        let role = STSClient.RoleRequest(
            roleARN: roleARN, sessionName: environment["AWS_ROLE_SESSION_NAME"] ?? Self.defaultSessionName, externalID: nil,
            durationSeconds: nil)
        return (environment.expandingHome(tokenFile), role)
    }

    /// The shared credentials and config files, read now (absent files are empty).
    func profileResolver() throws(ProviderError) -> AWSProfileResolver {
        let credentialsPath = environment.credentialsFilePath
        let configPath = environment.configFilePath
        var credentialsText: String?
        var configText: String?
        if let credentialsPath { credentialsText = try AWSEnvironment.readFileIfPresent(credentialsPath, what: "the AWS credentials file") }
        if let configPath { configText = try AWSEnvironment.readFileIfPresent(configPath, what: "the AWS config file") }
        let locations = "\(credentialsPath ?? "no credentials file (HOME is not set)") or \(configPath ?? "no config file")"
        return AWSProfileResolver(
            credentialsFile: AWSSharedConfig(parsing: credentialsText ?? "", kind: .credentials),
            configFile: AWSSharedConfig(parsing: configText ?? "", kind: .config), locations: locations, environment: environment,
            defaultSessionName: Self.defaultSessionName)
    }

    /// A profile's role chain: its base credentials, then each `AssumeRole` in turn.
    func run(_ plan: AWSProfileResolver.RolePlan, source: AWSCredentialsSource) async throws(ProviderError) -> AWSCredentials {
        var credentials: AWSCredentials
        switch plan.base {
        case .keys(let keys, _):
            credentials = keys
        case .webIdentity(let tokenFile, let role):
            credentials = try await webIdentity(tokenFile: tokenFile, role: role, source: source)
        case .credentialSource(let credentialSource):
            credentials = try await sourceCredentials(credentialSource)
        }
        let sts = sts(source)
        for role in plan.roles {
            credentials = try await sts.assumeRole(role, with: credentials)
        }
        return credentials
    }

    /// A profile's `credential_source`.
    private func sourceCredentials(_ credentialSource: AWSProfileResolver.CredentialSource) async throws(ProviderError) -> AWSCredentials {
        let missing = "credential_source \(credentialSource.rawValue) has no credentials"
        switch credentialSource {
        case .environment:
            guard let keys = try environmentKeys() else { throw .permanent("\(missing): AWS_ACCESS_KEY_ID is not set") }
            return keys
        case .ecsContainer:
            guard let endpoint = try ContainerCredentials.endpoint(in: environment, host: containerHost) else {
                throw .permanent("\(missing): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and …_FULL_URI are not set")
            }
            return try await container.fetch(endpoint)
        case .ec2InstanceMetadata:
            guard !environment.isTrue("AWS_EC2_METADATA_DISABLED") else { throw .permanent("\(missing): AWS_EC2_METADATA_DISABLED is true") }
            switch try await instanceMetadata.fetch() {
            case .credentials(let credentials): return credentials
            case .unavailable(let reason): throw .permanent("\(missing): \(reason)")
            }
        }
    }

    /// `AssumeRoleWithWebIdentity` with the token file's content, read now: EKS rotates it.
    func webIdentity(tokenFile: String, role: STSClient.RoleRequest, source: AWSCredentialsSource) async throws(ProviderError)
        -> AWSCredentials
    {
        let token = try AWSEnvironment.readFile(tokenFile, what: "the web identity token file").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .permanent("the web identity token file \(tokenFile) is empty") }
        return try await sts(source).assumeRoleWithWebIdentity(role, token: token)
    }
}
