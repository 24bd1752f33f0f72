// TorNetwork: SwiftNIO drivers for TorWire's state machines (#16): TCP and TLS connections with
// deadlines and cancellation, the HTTP/1.x client (DirPort, CollecTor HTTPS) and ORPort channels.
import NIOCore
