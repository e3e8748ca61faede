// swift-tools-version:6.1
// VirtualWiFiBench: a benchmarking and profiling harness for I/O virtualization data paths.
//
// Layers, bottom to top (a lower layer never imports a higher one; Tests/HouseTests checks):
//   CVWiFiShim, CPfm, CNuma   C shims and system libraries (rdtsc, perf_event_open, futex, eventfd, KVM ioctls)
//   CReference                C reference implementations of the rings, hand-offs and paths (bench only);
//                             it calls the shim's C (CRC-32C, the native path's network set-up)
//   Measurement               clock, stamps, counters, CPU accounting, placement, noise, statistics; the
//                             plumbing every layer shares: errno + syscall funnel, thread, CSV, files
//   Platform, VMM             simulated platform (guest memory, rings, translation, IOMMU, interrupts, radio); KVM
//   SystemProbe               what this machine can measure (doctor)
//   DataPaths                 native, passthrough and vwifi pipelines, one folder per component
//   Suites                    YAML suites, runner, CSV, charts, compare, summary
//   Bench                     the harness's own cost against its floors and the C references
//   vwifi-bench               thin CLI
//   Fuzzing, vwifi-fuzz       libFuzzer targets (device model, suite parser) and their corpus replayer
import PackageDescription

let package = Package(
    name: "VirtualWiFiBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vwifi-bench", targets: ["vwifi-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(name: "CVWiFiShim", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "CReference", dependencies: ["CVWiFiShim"], cSettings: [.unsafeFlags(["-O2"])]),
        .systemLibrary(name: "CPfm", providers: [.apt(["libpfm4-dev"])]),
        .systemLibrary(name: "CNuma", pkgConfig: "numa", providers: [.apt(["libnuma-dev"])]),
        .target(name: "Measurement", dependencies: [
            "CVWiFiShim", "CPfm", "CNuma", .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .target(name: "Platform", dependencies: ["CVWiFiShim", "Measurement"]),
        .target(name: "VMM", dependencies: ["CVWiFiShim", "Measurement", "Platform"]),
        .target(name: "SystemProbe", dependencies: ["CVWiFiShim", "Measurement", "Platform", "VMM"]),
        .target(name: "DataPaths", dependencies: ["CVWiFiShim", "Measurement", "Platform", "VMM"]),
        .target(name: "Suites", dependencies: [
            "Measurement", "SystemProbe", "DataPaths", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Bench", dependencies: ["CVWiFiShim", "CReference", "Measurement", "Platform", "DataPaths"]),
        .executableTarget(name: "vwifi-bench", dependencies: [
            "Bench",
            "Measurement", "SystemProbe", "DataPaths", "Suites",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "Fuzzing", dependencies: ["CVWiFiShim", "Measurement", "Platform", "DataPaths", "Suites"]),
        .executableTarget(name: "vwifi-fuzz", dependencies: ["Fuzzing"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement", "CVWiFiShim"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "Measurement"]),
        .testTarget(name: "VMMTests", dependencies: ["VMM", "Platform", "Measurement"]),
        .testTarget(name: "SystemProbeTests", dependencies: ["SystemProbe", "Measurement"]),
        .testTarget(name: "DataPathsTests", dependencies: ["DataPaths", "Platform", "Measurement", "VMM"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "CReference", "DataPaths", "Measurement"]),
        .testTarget(name: "SuitesTests", dependencies: ["Suites", "DataPaths", "Measurement", "Platform"]),
        // Runs the built vwifi-bench binary as a subprocess (bad input, interruption); no module deps.
        .testTarget(name: "CLITests"),
        // Reads Sources/ as text: the layout rules of the README's Layout section.
        .testTarget(name: "HouseTests"),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "DataPaths", "Platform", "Suites"]),
    ],
    swiftLanguageModes: [.v6]
)
