import BridgeCore

/// What deployers are built from: the bridge's secret resolver, its environment and its outbound HTTP client.
public struct DeployerDependencies: Sendable {
    public var resolver: any SecretResolver
    public var environment: [String: String]
    public var httpClient: ProviderHTTPClient
    /// AWS credentials from the standard chain, read from `environment`: one chain (one cache) for every AWS provider.
    public var awsCredentials: any AWSCredentialsProvider

    public init(resolver: any SecretResolver, environment: [String: String], httpClient: ProviderHTTPClient) {
        self.resolver = resolver
        self.environment = environment
        self.httpClient = httpClient
        awsCredentials = AWSCredentialsChain(environment: environment, httpClient: httpClient)
    }
}

/// How one provider's deployer is built. `all` holds one per provider of `ProviderDefinition.all`, the Core list, for
/// the same request type (a test checks both lists).
public struct DeployerFactory: Sendable {
    /// Every provider this version runs.
    public static let all: [DeployerFactory] = [
        // The command provider passes on variables of the bridge process's own environment (its default), as it always has.
        DeployerFactory { CommandDeployer(resolver: $0.resolver) },
        DeployerFactory { APIGatewayDeployer(credentials: $0.awsCredentials, httpClient: $0.httpClient) },
        DeployerFactory { CodeDeployDeployer(credentials: $0.awsCredentials, httpClient: $0.httpClient) },
        DeployerFactory { AliyunAPIGatewayDeployer(resolver: $0.resolver, environment: $0.environment, httpClient: $0.httpClient) },
        DeployerFactory { PulumiDeployer(resolver: $0.resolver, httpClient: $0.httpClient) },
    ]

    /// The provider its deployers serve.
    public let provider: String
    /// The request type its deployers run.
    public let request: any ProviderRequest.Type
    private let build: @Sendable (DeployerDependencies) -> any Deployer

    public init<Provider: Deployer>(_ build: @escaping @Sendable (DeployerDependencies) -> Provider) {
        provider = Provider.Request.provider
        request = Provider.Request.self
        self.build = build
    }

    /// A deployer built from `dependencies`.
    public func make(_ dependencies: DeployerDependencies) -> any Deployer {
        build(dependencies)
    }

    /// A deployer for every provider, sharing `dependencies`.
    public static func deployers(_ dependencies: DeployerDependencies) -> [any Deployer] {
        all.map { $0.make(dependencies) }
    }
}
