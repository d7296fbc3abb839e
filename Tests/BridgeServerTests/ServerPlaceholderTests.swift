import BridgeServer
import Testing
