import BridgeCore
import BridgeStore
import Hummingbird
