import BridgeCore
import GRDB
