import BridgeCore
import Foundation
import Testing

@testable import BridgeProviders

/// The shared files' INI dialect (botocore's `RawConfigParser`), and how profiles resolve, without any I/O.
@Suite struct AWSCredentialsSharedConfigTests {
    @Test func readsCredentialsFileSections() {
        let text = """
            # a comment
            ; another
            [default]
            aws_access_key_id = AKIADEFAULT
            AWS_Secret_Access_Key=secret/with+chars==

            [ci]
            aws_access_key_id: AKIACI
            aws_secret_access_key : ci secret # not a comment
            """
        let file = AWSSharedConfig(parsing: text, kind: .credentials)
        #expect(file["default"] == ["aws_access_key_id": "AKIADEFAULT", "aws_secret_access_key": "secret/with+chars=="])
        #expect(file["ci"] == ["aws_access_key_id": "AKIACI", "aws_secret_access_key": "ci secret # not a comment"])
    }

    @Test func configFileProfilesAreSpelledWithProfile() {
        let text = """
            [default]
            region = eu-west-2
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            [profile   spaced  ]
            region = us-east-1
            [bare]
            region = ignored
            [sso-session corp]
            sso_region = eu-west-1
            [services local]
            sts =
              endpoint_url = http://127.0.0.1:5000
            """
        let file = AWSSharedConfig(parsing: text, kind: .config)
        #expect(Set(file.profiles.keys) == ["default", "deploy", "spaced"])
        #expect(file["deploy"]?["role_arn"] == "arn:aws:iam::123456789012:role/deploy")
    }

    @Test func inTheCredentialsFileEverySectionIsAProfile() {
        let file = AWSSharedConfig(parsing: "[profile x]\na = 1\n[y]\nb = 2\n", kind: .credentials)
        #expect(Set(file.profiles.keys) == ["profile x", "y"])
    }

    @Test func keepsNestedSettingsAsText() {
        let text = "[profile p]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path\nregion = eu-west-2\n"
        let file = AWSSharedConfig(parsing: text, kind: .config)
        #expect(file["p"]?["s3"] == "max_concurrent_requests = 10\naddressing_style = path")
        #expect(file["p"]?["region"] == "eu-west-2")
    }

    @Test func mergesRepeatedSectionsAndReadsCRLF() {
        let file = AWSSharedConfig(parsing: "[a]\r\nk = 1\r\nj = 2\r\n[a]\r\nk = 3\r\n", kind: .credentials)
        #expect(file["a"] == ["k": "3", "j": "2"])
    }

    @Test func ignoresLinesOutsideSectionsAndNonsense() {
        let file = AWSSharedConfig(parsing: "k = before\n[a]\njust words\nk = v\n", kind: .credentials)
        #expect(file.profiles == ["a": ["k": "v"]])
    }

    // MARK: Profile resolution

    static func resolver(credentials: String = "", config: String = "") -> AWSProfileResolver {
        AWSProfileResolver(
            credentialsFile: AWSSharedConfig(parsing: credentials, kind: .credentials), configFile: AWSSharedConfig(parsing: config, kind: .config),
            locations: "credentials or config", environment: AWSEnvironment(["HOME": "/home/bridge"]), defaultSessionName: "gitops-bridge")
    }

    static func role(_ arn: String, session: String = "gitops-bridge") -> STSClient.RoleRequest {
        STSClient.RoleRequest(roleARN: arn, sessionName: session, externalID: nil, durationSeconds: nil)
    }

    @Test func credentialsFileKeysWinOverConfigFileKeys() throws {
        let resolver = Self.resolver(
            credentials: "[p]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s1\n",
            config: "[profile p]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = s2\naws_session_token = t2\n")
        #expect(try resolver.plan(for: "p") == .keys(AWSCredentials(accessKeyID: "FROMCREDS", secretAccessKey: "s1")))
    }

    @Test func chainsSourceProfilesInOrder() throws {
        let resolver = Self.resolver(
            credentials: "[c]\naws_access_key_id = AKIAC\naws_secret_access_key = sc\n",
            config: """
                [profile a]
                role_arn = arn:a
                source_profile = b
                role_session_name = deploy-a
                external_id = ext-a
                duration_seconds = 1800
                [profile b]
                role_arn = arn:b
                source_profile = c
                """)
        let expected = AWSProfileResolver.RolePlan(
            base: .keys(AWSCredentials(accessKeyID: "AKIAC", secretAccessKey: "sc"), profile: "c"),
            roles: [
                Self.role("arn:b"),
                STSClient.RoleRequest(roleARN: "arn:a", sessionName: "deploy-a", externalID: "ext-a", durationSeconds: 1800),
            ])
        #expect(try resolver.plan(for: "a") == .role(expected))
    }

    @Test func aProfileMayBeItsOwnSourceWhenItHasKeys() throws {
        let resolver = Self.resolver(
            credentials: "[p]\naws_access_key_id = AKIAP\naws_secret_access_key = sp\nrole_arn = arn:p\nsource_profile = p\n")
        let keys = AWSCredentials(accessKeyID: "AKIAP", secretAccessKey: "sp")
        #expect(try resolver.plan(for: "p") == .role(.init(base: .keys(keys, profile: "p"), roles: [Self.role("arn:p")])))
    }

    @Test func readsCredentialSourceAndWebIdentityTokenFile() throws {
        let resolver = Self.resolver(
            config: """
                [profile ecs]
                role_arn = arn:ecs
                credential_source = EcsContainer
                [profile web]
                role_arn = arn:web
                web_identity_token_file = ~/token
                """)
        #expect(try resolver.plan(for: "ecs") == .role(.init(base: .credentialSource(.ecsContainer), roles: [Self.role("arn:ecs")])))
        #expect(
            try resolver.plan(for: "web") == .role(.init(base: .webIdentity(tokenFile: "/home/bridge/token", role: Self.role("arn:web")), roles: [])))
    }

    @Test(arguments: [
        ("[profile a]\nrole_arn = arn:a\nsource_profile = a\n", "AWS profiles form a source_profile cycle: a -> a"),
        (
            "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nrole_arn = arn:b\nsource_profile = a\n",
            "AWS profiles form a source_profile cycle: a -> b -> a"
        ),
        ("[profile a]\nrole_arn = arn:a\n", "AWS profile \"a\" has role_arn and none of source_profile, credential_source, web_identity_token_file"),
        (
            "[profile a]\nrole_arn = arn:a\nsource_profile = b\ncredential_source = Environment\n",
            "AWS profile \"a\" has role_arn and more than one of source_profile, credential_source, web_identity_token_file"
        ),
        (
            "[profile a]\nrole_arn = arn:a\nsource_profile = nope\n",
            "AWS profile \"a\" has source_profile \"nope\", which is not in credentials or config"
        ),
        (
            "[profile a]\nrole_arn = arn:a\ncredential_source = Ec2\n",
            "AWS profile \"a\" has credential_source \"Ec2\"; use Environment, EcsContainer or Ec2InstanceMetadata"
        ),
        (
            "[profile a]\nrole_arn = arn:a\ncredential_source = Environment\nmfa_serial = arn:mfa\n",
            "AWS profile \"a\" needs an MFA code (mfa_serial), which a server cannot prompt for"
        ),
        (
            "[profile a]\nrole_arn = arn:a\ncredential_source = Environment\nduration_seconds = 1h\n",
            "AWS profile \"a\" has duration_seconds \"1h\"; expected a number of seconds"
        ),
        (
            "[profile a]\naws_access_key_id = AKIA\n",
            "AWS profile \"a\" needs both aws_access_key_id and aws_secret_access_key (credentials or config)"
        ),
        (
            "[profile a]\ncredential_process = /bin/creds\n",
            "AWS profile \"a\" gets its credentials through credential_process, which gitops-bridge does not support"
        ),
    ])
    func refusesProfilesItCannotUse(config: String, message: String) {
        #expect(throws: ProviderError.permanent(message)) { try Self.resolver(config: config).plan(for: "a") }
    }

    @Test func aProfileWithoutCredentialsYieldsNothing() throws {
        let resolver = Self.resolver(config: "[profile a]\nregion = eu-west-2\n")
        #expect(resolver.exists("a"))
        #expect(try resolver.plan(for: "a") == nil)
        #expect(try resolver.plan(for: "absent") == nil)
    }

    // MARK: STS answers

    @Test func readsSTSXMLWithEntities() {
        let xml = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
            <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>a&amp;b&lt;c&#x41;&#66;</SecretAccessKey>
            <SessionToken/><Expiration>2026-06-01T10:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
            """
        #expect(STSQueryXML.value("AccessKeyId", within: "Credentials", in: xml) == "ASIA1")
        #expect(STSQueryXML.value("SecretAccessKey", within: "Credentials", in: xml) == "a&b<cAB")
        #expect(STSQueryXML.value("SessionToken", within: "Credentials", in: xml) == "")
        #expect(STSQueryXML.value("Code", within: "Error", in: xml) == nil)
        #expect(STSQueryXML.value("Access", in: xml) == nil)
    }

    @Test(arguments: [
        ("2026-06-01T10:00:00Z", 1_780_308_000.0), ("2026-06-01T10:00:00.5Z", 1_780_308_000.5), ("2026-06-01T12:00:00+02:00", 1_780_308_000.0),
    ])
    func readsExpirationTimestamps(text: String, seconds: Double) throws {
        let date = try #require(AWSTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]", "::1", "[::1]"])
    func allowsLoopbackAndECSAddressesForFullURIs(host: String) {
        #expect(ContainerCredentials.isAllowedHost(host))
    }

    @Test(arguments: ["example.com", "169.254.169.254", "10.0.0.1", "127.0.0.1.example.com", "128.0.0.1", "1.2.3.127"])
    func refusesOtherHostsForFullURIs(host: String) {
        #expect(!ContainerCredentials.isAllowedHost(host))
    }
}
