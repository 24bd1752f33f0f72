// TorWire: the sans-I/O protocol layer of the network stack (#16). Its types take bytes and
// return bytes or values; nothing here opens a socket, so every decoder is testable and fuzzable
// from bytes alone. The SwiftNIO drivers in TorNetwork move its bytes.
