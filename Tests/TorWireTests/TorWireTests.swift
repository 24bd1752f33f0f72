import Testing
@testable import TorWire
