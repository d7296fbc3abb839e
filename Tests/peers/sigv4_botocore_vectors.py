#!/usr/bin/env python3
"""SigV4 vectors from botocore's own signer for the exact requests gitops-bridge's AWS builders produce.

Each case gives the rules parameters the Swift builder starts from, the request it must build (method, URL, headers,
body), and the Authorization header botocore's SigV4Auth computes for that request with pinned credentials and time.
The body is written here independently of the Swift builder, with AWS's member names and compact sorted-key JSON,
so the Swift test checks the builder's body as well as the signer.

    python3 Tests/peers/sigv4_botocore_vectors.py > Tests/BridgeProvidersTests/Fixtures/sigv4-botocore-vectors.json

SigV4BotocoreVectorTests reads that file, and runs this script to check the file is still its output.
"""
import datetime
import hashlib
import json
import sys
from unittest import mock

import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

# The AWS SigV4 test suite's key (aws-c-auth tests/aws-signing-test-suite/v4).
KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
SUITE_TIME = "2015-08-30T12:36:00Z"
SHA = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

APIGATEWAY_HEADERS = [["Content-Type", "application/json"], ["Accept", "application/json"]]


def codedeploy_headers(operation):
    return [["Content-Type", "application/x-amz-json-1.1"], ["X-Amz-Target", "CodeDeploy_20141006." + operation]]


def body(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


APIGATEWAY_FULL = {
    "region": "eu-west-2", "rest_api_id": "a1b2c3d4e5", "stage": "prod", "stage_description": "production",
    "description": "acme/shop@3f2c1ab", "variables": {"build": "3f2c1ab", "lambdaAlias": "live"},
    "canary": {"percent_traffic": 12.5, "stage_variable_overrides": {"lambdaAlias": "canary"}, "use_stage_cache": False},
    "tracing_enabled": True, "cache_cluster_enabled": True, "cache_cluster_size": 0.5,
}
APIGATEWAY_FULL_BODY = body({
    "stageName": "prod", "stageDescription": "production", "description": "acme/shop@3f2c1ab",
    "variables": {"build": "3f2c1ab", "lambdaAlias": "live"},
    "canarySettings": {"percentTraffic": 12.5, "stageVariableOverrides": {"lambdaAlias": "canary"}, "useStageCache": False},
    "tracingEnabled": True, "cacheClusterEnabled": True, "cacheClusterSize": "0.5",
})
CODEDEPLOY_S3 = {
    "region": "eu-west-2", "application": "shop", "deployment_group": "staging",
    "deployment_config": "CodeDeployDefault.OneAtATime", "description": "acme/shop@3f2c1ab",
    "revision": {"s3": {"bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundle_type": "zip", "version": "v7", "etag": "e1"}},
    "file_exists_behavior": "OVERWRITE", "auto_rollback": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
}
CODEDEPLOY_S3_BODY = body({
    "applicationName": "shop", "deploymentGroupName": "staging", "deploymentConfigName": "CodeDeployDefault.OneAtATime",
    "description": "acme/shop@3f2c1ab",
    "revision": {"revisionType": "S3", "s3Location": {
        "bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundleType": "zip", "version": "v7", "eTag": "e1"}},
    "fileExistsBehavior": "OVERWRITE", "autoRollbackConfiguration": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
})
CODEDEPLOY_BASE = {"region": "eu-west-2", "application": "shop", "deployment_group": "staging"}

CASES = [
    dict(name="apigateway CreateDeployment, every key", provider="aws-apigateway", operation="CreateDeployment",
         parameters=APIGATEWAY_FULL, url="https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3d4e5/deployments",
         headers=APIGATEWAY_HEADERS, body=APIGATEWAY_FULL_BODY),
    dict(name="apigateway CreateDeployment, every key, session token", provider="aws-apigateway", operation="CreateDeployment",
         parameters=APIGATEWAY_FULL, url="https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3d4e5/deployments",
         headers=APIGATEWAY_HEADERS, body=APIGATEWAY_FULL_BODY, token=TOKEN),
    dict(name="apigateway CreateDeployment, stage only, another day", provider="aws-apigateway", operation="CreateDeployment",
         parameters={"region": "us-east-1", "rest_api_id": "z4675bid1j", "stage": "staging"},
         url="https://apigateway.us-east-1.amazonaws.com/restapis/z4675bid1j/deployments",
         headers=APIGATEWAY_HEADERS, body=body({"stageName": "staging"}), time="2026-03-14T09:26:53Z"),
    dict(name="apigateway CreateDeployment, endpoint override, content hash signed", provider="aws-apigateway",
         operation="CreateDeployment",
         parameters={"region": "eu-west-2", "rest_api_id": "a1b2c3d4e5", "stage": "prod",
                     "endpoint": "http://127.0.0.1:5123", "sign_content_sha256": True},
         url="http://127.0.0.1:5123/restapis/a1b2c3d4e5/deployments", headers=APIGATEWAY_HEADERS,
         body=body({"stageName": "prod"}), content_sha256=True),
    dict(name="codedeploy CreateDeployment, S3 revision", provider="aws-codedeploy", operation="CreateDeployment",
         parameters=CODEDEPLOY_S3, url="https://codedeploy.eu-west-2.amazonaws.com/",
         headers=codedeploy_headers("CreateDeployment"), body=CODEDEPLOY_S3_BODY),
    dict(name="codedeploy CreateDeployment, S3 revision, session token", provider="aws-codedeploy", operation="CreateDeployment",
         parameters=CODEDEPLOY_S3, url="https://codedeploy.eu-west-2.amazonaws.com/",
         headers=codedeploy_headers("CreateDeployment"), body=CODEDEPLOY_S3_BODY, token=TOKEN),
    dict(name="codedeploy CreateDeployment, GitHub revision at the pushed commit", provider="aws-codedeploy",
         operation="CreateDeployment", parameters=dict(CODEDEPLOY_BASE, revision={"github": {"repository": "acme/shop"}}),
         url="https://codedeploy.eu-west-2.amazonaws.com/", headers=codedeploy_headers("CreateDeployment"),
         body=body({"applicationName": "shop", "deploymentGroupName": "staging",
                    "revision": {"revisionType": "GitHub", "gitHubLocation": {"repository": "acme/shop", "commitId": SHA}}})),
    dict(name="codedeploy GetDeployment", provider="aws-codedeploy", operation="GetDeployment", parameters=CODEDEPLOY_BASE,
         deployment_id="d-ABCDEF123", url="https://codedeploy.eu-west-2.amazonaws.com/",
         headers=codedeploy_headers("GetDeployment"), body=body({"deploymentId": "d-ABCDEF123"})),
    dict(name="codedeploy GetDeployment, session token", provider="aws-codedeploy", operation="GetDeployment",
         parameters=CODEDEPLOY_BASE, deployment_id="d-ABCDEF123", url="https://codedeploy.eu-west-2.amazonaws.com/",
         headers=codedeploy_headers("GetDeployment"), body=body({"deploymentId": "d-ABCDEF123"}), token=TOKEN),
    dict(name="codedeploy StopDeployment with rollback", provider="aws-codedeploy", operation="StopDeployment",
         parameters=dict(CODEDEPLOY_BASE, auto_rollback={"enabled": True, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]}),
         deployment_id="d-ABCDEF123",
         url="https://codedeploy.eu-west-2.amazonaws.com/", headers=codedeploy_headers("StopDeployment"),
         body=body({"deploymentId": "d-ABCDEF123", "autoRollbackEnabled": True})),
    dict(name="codedeploy StopDeployment with rollback, session token", provider="aws-codedeploy", operation="StopDeployment",
         parameters=dict(CODEDEPLOY_BASE, auto_rollback={"enabled": True, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]}),
         deployment_id="d-ABCDEF123",
         url="https://codedeploy.eu-west-2.amazonaws.com/", headers=codedeploy_headers("StopDeployment"),
         body=body({"deploymentId": "d-ABCDEF123", "autoRollbackEnabled": True}), token=TOKEN),
]


def signed(case):
    """The case with botocore's headers after signing: X-Amz-Date, the token, the content hash, Authorization."""
    time = case.get("time", SUITE_TIME)
    now = datetime.datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ")
    headers = dict(case["headers"])
    if case.get("content_sha256"):
        headers["X-Amz-Content-SHA256"] = hashlib.sha256(case["body"].encode()).hexdigest()
    request = AWSRequest(method="POST", url=case["url"], data=case["body"].encode(), headers=headers)
    service = "apigateway" if case["provider"] == "aws-apigateway" else "codedeploy"
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        SigV4Auth(Credentials(KEY_ID, SECRET, case.get("token")), service, case["parameters"]["region"]).add_auth(request)
    out = {
        "name": case["name"], "provider": case["provider"], "operation": case["operation"], "parameters": case["parameters"],
        "pushedSHA": SHA, "time": time, "sessionToken": case.get("token"), "method": "POST", "url": case["url"],
        "headers": case["headers"], "body": case["body"],
        "signedHeaders": {name: request.headers[name] for name in ("X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256")
                          if name in request.headers},
        "authorization": request.headers["Authorization"],
    }
    if "deployment_id" in case:
        out["deploymentID"] = case["deployment_id"]
    return out


def main():
    document = {
        "generator": "Tests/peers/sigv4_botocore_vectors.py",
        "botocore": botocore.__version__,
        "accessKeyID": KEY_ID,
        "secretAccessKey": SECRET,
        "cases": [signed(case) for case in CASES],
    }
    json.dump(document, sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
