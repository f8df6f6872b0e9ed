// swift-tools-version: 6.1
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
    ],
    targets: [
        .target(
            name: "BlackholeCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "blackhole",
            dependencies: [
                "BlackholeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "BlackholeCoreTests",
            dependencies: ["BlackholeCore"]
        ),
        .testTarget(
            name: "BlackholeCLITests",
            dependencies: ["blackhole", "BlackholeCore"]
        ),
    ]
)
