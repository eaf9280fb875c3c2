// Benchmarks of the core, printed as one JSON object; compare with
// ../shared/bench/numpy_reference.py and jax_reference.py run in the same session.
//
//   swift run -c release bench      (and `swift run bench` for the debug build)
//   swift run -c release bench --epochs-60k 3
//                                   train the reference autoencoder on the full Fashion-MNIST
//                                   and print the resident memory after each epoch
//
// matmul_gflops: float32 GEMM throughput at the labs' shapes (median of 7 repeats)
// train_step_ms: forward, backward and Adam for a 784-256-64-256-784 autoencoder (ReLU
//                hidden, sigmoid output, MSE), batch 128 — median over 9×20 steps after warm-up
// conv_ae_step_ms: the same for lab07's convolutional autoencoder (ConvAutoencoder, 28×28×1,
//                filters 16, 8, 8; code 4×4×8) — median over 9×10 steps; compare with
//                scripts/jax_conv_autoencoder.py
// load_fashion_mnist_s: reading and scaling the full Fashion-MNIST (70,000 images, gzip), median
//                of 3, or null when it is not installed
// peak_rss_mib:  the process's peak resident memory
import Foundation
import LabData
import LabKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func medianSeconds(repeats: Int, inner: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var samples: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<inner { try body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(inner))
    }
    return samples.sorted()[samples.count / 2]
}

/// The current resident set size in MiB (Linux: /proc/self/statm), or the peak elsewhere.
func residentMiB() -> Double {
    #if os(Linux)
    if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
       let pages = Double(statm.split(separator: " ").dropFirst().first ?? "") {
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
    #endif
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576
    #endif
}

let arguments = CommandLine.arguments
if let flag = arguments.firstIndex(of: "--epochs-60k"), flag + 1 < arguments.count, let epochs = Int(arguments[flag + 1]) {
    let data = try DatasetSource.fashionMNIST.load()
    var initRNG = SeededGenerator(seed: 0)
    let model = Autoencoder(sizes: [784, 256, 64, 256], hidden: .relu, code: .relu, output: .sigmoid, using: &initRNG)
    let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
    var loop = TrainingLoop(epochs: epochs, batchSize: 128, label: "reference AE, 60k", seed: 1, silent: true)
    var rows: [String] = []
    let start = Date()
    _ = try loop.run(on: data.train.images, optimizer: adam, afterEpoch: { epoch, history in
        rows.append(String(format: "{\"epoch\": %d, \"loss\": %.5f, \"seconds\": %.1f, \"rss_mib\": %.1f}",
                           epoch, history.loss.last!, Date().timeIntervalSince(start), residentMiB()))
    }) { batch, _ in LossTerms(meanSquaredError(predictions: model(Variable(batch)), targets: batch)) }
    print("[" + rows.joined(separator: ",\n ") + "]")
    exit(0)
}

var rng = SeededGenerator(seed: 0)
var gflops: [(String, Double)] = []
for (m, k, n) in [(128, 784, 256), (128, 256, 784), (784, 128, 256), (1024, 1024, 1024)] {
    let a = Tensor.randomNormal([m, k], using: &rng), b = Tensor.randomNormal([k, n], using: &rng)
    let inner = max(1, Int(2e8) / (2 * m * k * n))
    let s = medianSeconds(repeats: 7, inner: inner) { _ = Tensor.matmul(a, b) }
    gflops.append(("\(m)x\(k)x\(n)", 2.0 * Double(m * k * n) / s / 1e9))
}

let model = Autoencoder(sizes: [784, 256, 64, 256], hidden: .relu, code: .relu, output: .sigmoid, using: &rng)
let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
let x = Tensor.randomUniform([128, 784], using: &rng)
let stepSeconds = try medianSeconds(repeats: 9, inner: 20) {
    adam.zeroGradients()
    let loss = meanSquaredError(predictions: model(Variable(x)), targets: x)
    try loss.backward()
    adam.step()
}

// The convolutional autoencoder of lab07 (28×28×1 → 14×14×16 → 7×7×8 → 4×4×8 and back), same step.
let convModel = ConvAutoencoder(height: 28, width: 28, using: &rng)
let convAdam = Adam(parameters: convModel.parameters, learningRate: 1e-3)
let convStepSeconds = try medianSeconds(repeats: 9, inner: 10) {
    convAdam.zeroGradients()
    let loss = meanSquaredError(predictions: convModel(Variable(x)), targets: x)
    try loss.backward()
    convAdam.step()
}

var loadSeconds = "null"
if (try? DatasetSource.fashionMNIST.load()) != nil {
    loadSeconds = String(format: "%.3f", try medianSeconds(repeats: 3, inner: 1) { _ = try DatasetSource.fashionMNIST.load() })
}

var usage = rusage()
#if canImport(Glibc)
getrusage(RUSAGE_SELF.rawValue, &usage)
#else
getrusage(RUSAGE_SELF, &usage)
#endif
#if canImport(Darwin)
let peakMiB = Double(usage.ru_maxrss) / 1_048_576
#else
let peakMiB = Double(usage.ru_maxrss) / 1024
#endif

#if DEBUG
let configuration = "debug"
#else
let configuration = "release"
#endif
let gflopsJSON = gflops.map { String(format: "\"%@\": %.1f", $0.0, $0.1) }.joined(separator: ", ")
print(String(format: """
    {"implementation": "AutoencoderLabs LabKit (%@, kernel %@, %d threads)", "cpu_count": %d, \
    "matmul_gflops": {%@}, "train_step_ms": %.3f, "epoch_s_60k": %.2f, "conv_ae_step_ms": %.3f, \
    "load_fashion_mnist_s": %@, "peak_rss_mib": %.1f}
    """, configuration, Tensor.matmulKernelName, Tensor.matmulThreads, ProcessInfo.processInfo.activeProcessorCount,
    gflopsJSON, stepSeconds * 1e3, stepSeconds * 60000 / 128, convStepSeconds * 1e3, loadSeconds, peakMiB))
