// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "blackhole",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "blackhole", targets: ["blackhole"]),
        .library(name: "BlackholeCore", targets: ["BlackholeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(
            name: "BlackholeCore",
            dependencies: [
                "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "blackhole",
            dependencies: [
                "BlackholeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "BlackholeCoreTests",
            dependencies: ["BlackholeCore", "TestSupport"]
        ),
        .testTarget(
            name: "BlackholeCLITests",
            dependencies: ["blackhole", "BlackholeCore", "TestSupport"]
        ),
    ]
)
