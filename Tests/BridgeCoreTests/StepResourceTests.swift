import BridgeCore
import Testing

/// Each planned step carries the real resource it deploys to (`StepResource`), which the worker serialises on.
@Suite struct StepResourceTests {
    static let rules = """
        version: 1
        sources: {shop: {forge: github, secret: env:S}}
        targets:
          staging-api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: z4675bid1j, stage: staging}
          prod-api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: z4675bid1j, stage: prod}
          other-api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: "${environment}1"}
          backend: {provider: aws-codedeploy, region: eu-west-2, application: shop, deployment_group: staging}
          stack: {provider: pulumi, organization: acme, project: shop, stack: "pr-${branch}", token: env:PULUMI_ACCESS_TOKEN}
          gateway: {provider: aliyun-apigateway, region: cn-hangzhou, group_id: g1, api_id: a1, stage: RELEASE}
          smoke: {provider: command, run: ["./smoke.sh", "${sha}"]}
        rules:
          - name: everything
            source: shop
            on: push
            environment: qa
            deploy: [staging-api, prod-api, other-api, backend, stack, gateway, smoke]
        """

    @Test func keysNameTheRealResource() throws {
        let rules = try loadRules(Self.rules)
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "feature", sha: String(repeating: "c", count: 40))
        let plan = Planner.plan(event: event, source: try #require(rules.sources["shop"]), rules: rules)
        let steps = try #require(plan.runs.first?.steps)
        #expect(
            steps.map(\.resource) == [
                "https://apigateway.eu-west-2.amazonaws.com/restapis/z4675bid1j",
                "https://apigateway.eu-west-2.amazonaws.com/restapis/z4675bid1j",
                "https://apigateway.eu-west-2.amazonaws.com/restapis/qa1",
                "https://codedeploy.eu-west-2.amazonaws.com/applications/shop/deployment-groups/staging",
                "https://api.pulumi.com/api/stacks/acme/shop/pr-feature",
                "https://apigateway.cn-hangzhou.aliyuncs.com/groups/g1/apis/a1/stages/RELEASE",
                "smoke",
            ])
    }

    @Test func parametersThatMakeNoRequestFallBackToTheTarget() {
        let event = PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: "abc")
        let key = StepResource.key(
            target: "api", provider: "aws-apigateway", parameters: .object(["region": .string("eu-west-2")]), event: event, rule: "r",
            environment: nil)
        #expect(key == "api")
    }
}
