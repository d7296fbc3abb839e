#!/usr/bin/env python3
"""Alibaba Cloud signature vectors from Alibaba's own SDKs for the exact DeployApi requests gitops-bridge sends.

The requests are CloudAPI (API Gateway, version 2016-07-14) DeployApi calls, `POST /` with an empty body, in the two
shapes the Swift client can send:

- ACS3-HMAC-SHA256 (V3): the business parameters (ApiId, Description, GroupId, StageName) in the query string and the
  headers accept, host, x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256 (plus
  x-acs-accesskey-id and x-acs-security-token with an STS token), all of them signed. The Authorization header is the
  one `get_authorization` computes in alibabacloud-tea-openapi (`alibabacloud_tea_openapi.utils.Utils`, what the current
  SDK's `do_request` calls) and in alibabacloud-openapi-util (`alibabacloud_openapi_util.client.Client`, the same
  function for SDKs on tea-openapi 0.3); both must agree. The SDKs do not expose the canonical request and string to
  sign, so this script writes them from the documented algorithm and asserts that the canonical request equals the one
  assembled from the SDK's own canonicalisation helpers and that its HMAC gives the SDKs' signature.
- RPC signature v1 (HMAC-SHA1): every parameter in the query string, signed except Signature. The string to sign is
  the one the legacy aliyun-python-sdk-core composes (`rpc_signature_composer.__compose_string_to_sign`, called directly
  because its public `get_signed_url` also adds an empty `SignatureType=`, which these requests do not send), and
  the signature is `get_rpcsignature` of both Tea packages and aliyunsdkcore's `sha_hmac1.get_sign_string`; all three
  must agree, and the string to sign must equal one written here from the documented algorithm. One case is Alibaba's
  published ECS DescribeRegions example (GET, testid/testsecret -> OLeaidS1JvxuMvnyHOwuJ+uX5qY=).

Credentials, times and nonces are pinned, so the output depends only on the SDK versions:

    python3 Tests/peers/alibaba_signature_vectors.py > Tests/BridgeProvidersTests/Fixtures/alibaba-signature-vectors.json

The Swift tests read that file, and run this script to check the file is still its output.
"""
import base64
import hashlib
import hmac
import importlib.metadata
import json
import sys

from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi import utils as tea_openapi_utils
from aliyunsdkcore.auth.algorithm import sha_hmac1
from aliyunsdkcore.auth.composer import rpc_signature_composer
from darabonba.request import DaraRequest
from Tea.request import TeaRequest

# Made-up credentials, none of them real: "testid"/"testsecret" are the pair of Alibaba's published signature example;
# the LTAI-shaped pair only imitates the format of a real AccessKey id (it says EXAMPLE), and so does the STS token.
TEST_KEY = ("testid", "testsecret")
EXAMPLE_KEY = ("LTAI5tEXAMPLEKEYID", "EXAMPLESECRETKEYEXAMPLESECRETKE")
TOKEN = "CAIS.EXAMPLE.TOKEN"
TIME = "2026-11-23T12:00:00Z"
HOST = "apigateway.cn-hangzhou.aliyuncs.com"
LOOPBACK_HOST = "127.0.0.1:18080"
GROUP_ID = "63be0d3b4e5f4c0e9b1f2a3c4d5e6f70"
API_ID = "d6f6a0b1c2d34e5f8a9b0c1d2e3f4a5b"
ACTION = "DeployApi"
VERSION = "2016-07-14"
V3 = "ACS3-HMAC-SHA256"
RPC = "HMAC-SHA1"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SPECIAL_DESCRIPTION = "acme/shop@3f2c1ab: a*b ~c d+e=f&g 发布 ✓"

CASES = [
    dict(name="RELEASE, minimal", key=TEST_KEY, stage="RELEASE", description="3f2c1ab",
         nonce="3f8b1a2c4d5e6f708192a3b4c5d6e7f8"),
    dict(name="RELEASE, Description with spaces, * ~ / + = & and non-ASCII", key=TEST_KEY, stage="RELEASE",
         description=SPECIAL_DESCRIPTION, nonce="0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    dict(name="PRE", key=TEST_KEY, stage="PRE", description="acme/shop@3f2c1ab",
         nonce="9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    dict(name="TEST, LTAI-style key", key=EXAMPLE_KEY, stage="TEST", description="acme/shop@3f2c1ab",
         nonce="5c2f1e0d9c8b7a695847362514031201"),
    dict(name="RELEASE, STS security token", key=TEST_KEY, stage="RELEASE", description="acme/shop@3f2c1ab",
         nonce="7e6d5c4b3a291807f6e5d4c3b2a19080", token=TOKEN),
]
# The loopback host only matters to V3, which signs the host header.
V3_ONLY_CASES = [
    dict(name="RELEASE, loopback host with port", key=TEST_KEY, stage="RELEASE", description="3f2c1ab",
         nonce="1d2c3b4a59687f0e1d2c3b4a59687f0e", host=LOOPBACK_HOST),
]

# Alibaba's published RPC example (ECS DescribeRegions, GET), with its string to sign.
PUBLISHED_ECS_PARAMETERS = [
    ["AccessKeyId", "testid"], ["Action", "DescribeRegions"], ["Format", "XML"], ["SignatureMethod", "HMAC-SHA1"],
    ["SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"], ["SignatureVersion", "1.0"],
    ["Timestamp", "2016-02-23T12:46:24Z"], ["Version", "2014-05-26"],
]
PUBLISHED_ECS_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
    "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
    "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
)
PUBLISHED_ECS_SIGNATURE = "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def sdk(package):
    return package + " " + importlib.metadata.version(package)


def percent_encode(text):
    """The documented rule, byte by byte over UTF-8: only A-Z a-z 0-9 - _ . ~ stay literal, hex digits upper case."""
    unreserved = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    return "".join(chr(byte) if byte in unreserved else "%{:02X}".format(byte) for byte in text.encode("utf-8"))


def canonical_query(pairs):
    """Pairs sorted by encoded name, `name=value`, joined with `&` (values percent-encoded; names are plain ASCII)."""
    return "&".join(percent_encode(k) + "=" + percent_encode(v) for k, v in sorted(pairs, key=lambda p: percent_encode(p[0])))


def business_query(case):
    return [["ApiId", API_ID], ["Description", case["description"]], ["GroupId", GROUP_ID], ["StageName", case["stage"]]]


def v3_case(case):
    key_id, secret = case["key"]
    token = case.get("token")
    host = case.get("host", HOST)
    query = business_query(case)
    headers = [
        ["accept", "application/json"],
        ["host", host],
        ["x-acs-action", ACTION],
        ["x-acs-content-sha256", EMPTY_SHA256],
        ["x-acs-date", TIME],
        ["x-acs-signature-nonce", case["nonce"]],
        ["x-acs-version", VERSION],
    ]
    if token is not None:
        headers += [["x-acs-accesskey-id", key_id], ["x-acs-security-token", token]]
        headers.sort(key=lambda h: h[0])

    # The documented algorithm.
    signed_headers = ";".join(name for name, _ in headers)
    canonical_headers = "".join(name + ":" + value.strip() + "\n" for name, value in headers)
    canonical_request = "\n".join(["POST", "/", canonical_query(query), canonical_headers, signed_headers, EMPTY_SHA256])
    string_to_sign = V3 + "\n" + hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    signature = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = "{} Credential={},SignedHeaders={},Signature={}".format(V3, key_id, signed_headers, signature)

    # The same canonical request from the SDK's own canonicalisation helpers.
    sdk_headers, sdk_signed = tea_openapi_utils.get_canonicalized_headers(dict(headers))
    sdk_canonical = "POST\n/\n{}\n{}\n{}\n{}".format(
        tea_openapi_utils.get_canonical_query_string(dict(query)), sdk_headers, sdk_signed, EMPTY_SHA256)
    assert sdk_canonical == canonical_request, (case["name"], sdk_canonical, canonical_request)

    # The SDKs' Authorization header for that request.
    authorizations = {}
    for package, request_type, util in [
        ("alibabacloud-tea-openapi", DaraRequest, tea_openapi_utils.Utils),
        ("alibabacloud-openapi-util", TeaRequest, OpenApiUtil),
    ]:
        request = request_type()
        request.method = "POST"
        request.pathname = "/"
        request.query = dict(query)
        request.headers = dict(headers)
        payload = util.hex_encode(util.hash(b"", V3))
        assert payload == EMPTY_SHA256
        authorizations[sdk(package)] = util.get_authorization(request, V3, payload, key_id, secret)
    for signer, value in authorizations.items():
        assert value == authorization, (case["name"], signer, value, authorization)

    return {
        "name": "V3 DeployApi " + case["name"], "algorithm": V3, "accessKeyId": key_id, "accessKeySecret": secret,
        "securityToken": token, "method": "POST", "host": host, "path": "/", "query": query, "headers": headers,
        "body": "", "canonicalRequest": canonical_request, "stringToSign": string_to_sign,
        "authorization": authorization, "signedBy": list(authorizations),
    }


def rpc_vector(name, method, secret, parameters, published=None):
    """The string to sign from aliyunsdkcore's composer and the signature from all three SDK functions, checked."""
    compose = getattr(rpc_signature_composer, "__compose_string_to_sign")
    string_to_sign = compose(method, dict(parameters))
    assert string_to_sign == method + "&%2F&" + percent_encode(canonical_query(parameters)), (name, string_to_sign)
    signatures = {
        sdk("alibabacloud-tea-openapi"): tea_openapi_utils.Utils.get_rpcsignature(dict(parameters), method, secret),
        sdk("alibabacloud-openapi-util"): OpenApiUtil.get_rpcsignature(dict(parameters), method, secret),
        sdk("aliyun-python-sdk-core"): sha_hmac1.get_sign_string(string_to_sign, secret + "&"),
    }
    signature = base64.b64encode(
        hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()).decode()
    for signer, value in signatures.items():
        assert value == signature, (name, signer, value, signature)
    if published is not None:
        assert (string_to_sign, signature) == published, (name, string_to_sign, signature)
    return {
        "name": name, "algorithm": RPC, "accessKeySecret": secret, "method": method, "parameters": parameters,
        "stringToSign": string_to_sign, "signature": signature, "signedBy": list(signatures),
    }


def rpc_case(case):
    key_id, secret = case["key"]
    parameters = [
        ["AccessKeyId", key_id], ["Action", ACTION], ["Format", "JSON"], ["SignatureMethod", RPC],
        ["SignatureNonce", case["nonce"]], ["SignatureVersion", "1.0"], ["Timestamp", TIME], ["Version", VERSION],
    ] + business_query(case)
    if case.get("token") is not None:
        parameters.append(["SecurityToken", case["token"]])
    parameters.sort(key=lambda p: p[0])
    return rpc_vector("RPC DeployApi " + case["name"], "POST", secret, parameters)


def main():
    cases = [v3_case(case) for case in CASES + V3_ONLY_CASES]
    cases += [rpc_case(case) for case in CASES]
    cases.append(rpc_vector("RPC published ECS DescribeRegions example (GET, Format=XML)", "GET", "testsecret",
                            PUBLISHED_ECS_PARAMETERS, (PUBLISHED_ECS_STRING_TO_SIGN, PUBLISHED_ECS_SIGNATURE)))
    document = {"generator": "Tests/peers/alibaba_signature_vectors.py", "cases": cases}
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
