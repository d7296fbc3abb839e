import BridgeStore
import Testing
