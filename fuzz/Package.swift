// swift-tools-version:5.4
// libFuzzer targets for blackhole's parsers: one executable per parser, outside the main
// package so its build never needs the sanitizers. Built and run by scripts/fuzz:
//   swift build -c debug --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Debug builds compile BlackholeCore with testing enabled, so targets reach internal entry
// points (the config decoder) through @testable import. Tools version 5.4, the last before
// SwiftPM renames an executable's `main` (so that tests can link it): libFuzzer brings its own
// `main`, and the renamed symbol would not exist.
import PackageDescription

let targets = ["FuzzOTLPProtobuf", "FuzzOTLPJSON", "FuzzMultiaddr", "FuzzDNSMessage", "FuzzConfig", "FuzzNagiosPlugin"]

let package = Package(
    name: "blackhole-fuzz",
    dependencies: [
        .package(name: "blackhole", path: ".."),
    ],
    targets: targets.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "BlackholeCore", package: "blackhole")])
    }
)
