import BridgeCore
import Testing

/// `check` validates AWS targets as the worker will send them: each step's merged keys, pointing at the key at fault.
@Suite struct TargetRequestCheckTests {
    static let header = """
        version: 1
        sources: {shop: {forge: github, secret: env:S}}

        """

    @Test func aTargetsBadValueIsReportedAtTheValue() {
        let found = diagnostics(
            Self.header + """
                targets:
                  api:
                    provider: aws-apigateway
                    region: eu-west-2
                    rest_api_id: a1b2c3
                    stage: prod
                    cache_cluster_size: 2
                    canary: {percent_traffic: 200}
                """)
        #expect(
            found == [
                #"rules.yaml:9:25: target api (aws-apigateway): cache_cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237, found "2""#,
                #"rules.yaml:10:31: target api (aws-apigateway): canary.percent_traffic must be a number from 0 to 100, found 200"#,
            ])
    }

    @Test func aStepsBadValueIsReportedInTheStepAndATargetsOnlyOnce() {
        let found = diagnostics(
            Self.header + """
                targets:
                  api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: a1b2c3, tracing_enabled: maybe}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - target: api
                        stageName: prod
                      - {target: api, stage: "${branch}"}
                """)
        #expect(
            found == [
                "rules.yaml:4:92: target api (aws-apigateway): tracing_enabled must be true or false, found \"maybe\"",
                "rules.yaml:11:9: rules.r.deploy[0] (target api, aws-apigateway): unknown key stageName (did you mean stage?)",
            ])
    }

    @Test func aRequiredKeyMayComeFromTheStepAndMapsMergeBeforeTheCheck() {
        let found = diagnostics(
            Self.header + """
                targets:
                  backend:
                    provider: aws-codedeploy
                    region: eu-west-2
                    application: shop
                    revision: {s3: {bucket: artifacts, bundle_type: zip}}
                rules:
                  - name: r
                    source: shop
                    on: tag
                    deploy:
                      - target: backend
                        deployment_group: production
                        revision: {s3: {key: "shop/${tag}.zip"}}
                """)
        #expect(found == [])
    }

    @Test func aTargetNoStepUsesIsCheckedOnItsOwnKeys() {
        let found = diagnostics(
            Self.header + """
                targets:
                  backend:
                    provider: aws-codedeploy
                    region: eu-west-2
                    application: shop
                    deployment_group: production
                    revision: {s3: {bucket: artifacts}}
                    auto_rollback: {enabled: true, events: [DEPLOYMENT_FAILURE, ON_FIRE]}
                    file_exists_behavior: KEEP
                """)
        #expect(
            found == [
                "rules.yaml:9:20: target backend (aws-codedeploy): missing required key revision.s3.key",
                "rules.yaml:10:65: target backend (aws-codedeploy): auto_rollback.events[1] must be one of DEPLOYMENT_FAILURE, "
                    + #"DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST, found "ON_FIRE""#,
                #"rules.yaml:11:27: target backend (aws-codedeploy): file_exists_behavior must be one of DISALLOW, OVERWRITE, RETAIN, found "KEEP""#,
            ])
    }

    @Test func templatesPassWhereTheyCouldRenderToAValidValue() {
        let found = diagnostics(
            Self.header + """
                targets:
                  api: {provider: aws-apigateway, region: eu-west-2, rest_api_id: a1b2c3}
                rules:
                  - name: r
                    source: shop
                    on: push
                    deploy:
                      - {target: api, stage: "${branch}", tracing_enabled: "${branch}", description: "${repository}@${short_sha}"}
                """)
        #expect(found == [])
    }
}
