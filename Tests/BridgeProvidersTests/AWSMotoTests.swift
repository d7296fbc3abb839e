import BridgeTestSupport
import Testing

/// The provider tests that run against moto: one moto server for all of them (started before the first, stopped
/// after the last). Each test makes its own REST API or application.
@Suite(.motoServer) struct AWSMotoTests {}
