// Benchmarks of the core, printed as one JSON object; compare with
// ../shared/bench/numpy_reference.py and jax_reference.py run in the same session.
//
//   LABKIT_SOLUTIONS=1 swift run -c release bench     (and `swift run bench` for the debug build;
//                                   without LABKIT_SOLUTIONS k-means runs the student's lab06, if any)
//   ... bench --no-kmeans             leave out the k-means timing (it takes the longest)
//   swift run -c release bench --epochs-60k 3
//                                   train the reference autoencoder on the full Fashion-MNIST
//                                   and print the resident memory after each epoch
//
// matmul_gflops: float32 GEMM throughput at the labs' shapes (median of 7 repeats)
// step_gemm_gflops: the same at every product of the training step (e.g. 128x784x256NT is
//                g·Wᵀ); compare with scripts/numpy_gemm_shapes.py (median of 9)
// train_step_ms: forward, backward and Adam for a 784-256-64-256-784 autoencoder (ReLU
//                hidden, sigmoid output, MSE), batch 128 — median over 9×20 steps after warm-up
// conv_ae_step_ms: the same for lab07's convolutional autoencoder (ConvAutoencoder, 28×28×1,
//                filters 16, 8, 8; code 4×4×8) — median over 9×10 steps; compare with
//                scripts/jax_conv_autoencoder.py
// lab_step_ms:  the same step for each lab's main model with the kit's losses (student penalties
//                left out): lab03's model is the reference step, lab07's the convolutional one
// kmeans_60k:    lab06's kMeans on the full Fashion-MNIST training images (60,000 × 784 raw pixels),
//                k = 10, 10 restarts (seeds 0…9, ≤ 300 iterations each): total seconds, best
//                inertia, mean iterations; compare with scripts/sklearn_kmeans.py (null without data)
// load_fashion_mnist_s: reading and scaling the full Fashion-MNIST (70,000 images, gzip), median
//                of 3, or null when it is not installed
// peak_rss_mib:  the process's peak resident memory
import Foundation
import Lab06Exercises
import Lab08Exercises
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
            let pages = Double(statm.split(separator: " ").dropFirst().first ?? "")
        {
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
if let flag = arguments.firstIndex(of: "--epochs-60k"), flag + 1 < arguments.count,
    let epochs = Int(arguments[flag + 1])
{
    let data = try DatasetSource.fashionMNIST.load()
    var initRNG = SeededGenerator(seed: 0)
    let model = Autoencoder(sizes: [784, 256, 64], hidden: .relu, code: .relu, output: .sigmoid, using: &initRNG)
    let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
    var loop = TrainingLoop(epochs: epochs, batchSize: 128, label: "reference AE, 60k", seed: 1, silent: true)
    var rows: [String] = []
    let start = Date()
    _ = try loop.run(
        on: data.train.images, optimizer: adam,
        afterEpoch: { epoch, history in
            rows.append(
                String(
                    format: "{\"epoch\": %d, \"loss\": %.5f, \"seconds\": %.1f, \"rss_mib\": %.1f}",
                    epoch, history.loss.last!, Date().timeIntervalSince(start), residentMiB()))
        }
    ) { batch, _ in LossTerms(meanSquaredError(predictions: model(Variable(batch)), targets: batch)) }
    print("[" + rows.joined(separator: ",\n ") + "]")
    exit(0)
}

var rng = SeededGenerator(seed: 0)
// Warm up for 0.3 s first (the cores' clocks ramp up and the worker threads start), so that the
// first shape measured is not the one that pays for it.
do {
    let (a, b) = (Tensor.randomNormal([256, 256], using: &rng), Tensor.randomNormal([256, 256], using: &rng))
    let start = DispatchTime.now().uptimeNanoseconds
    while DispatchTime.now().uptimeNanoseconds - start < 300_000_000 { _ = Tensor.matmul(a, b) }
}
var gflops: [(String, Double)] = []
for (m, k, n) in [(128, 784, 256), (128, 256, 784), (784, 128, 256), (1024, 1024, 1024)] {
    let a = Tensor.randomNormal([m, k], using: &rng), b = Tensor.randomNormal([k, n], using: &rng)
    let inner = max(1, Int(2e8) / (2 * m * k * n))
    let s = medianSeconds(repeats: 7, inner: inner) { _ = Tensor.matmul(a, b) }
    gflops.append(("\(m)x\(k)x\(n)", 2.0 * Double(m * k * n) / s / 1e9))
}

/// The median time of one training step (zero the gradients, forward, backward, Adam) of the
/// parameters behind `loss`, over 9 × `inner` steps after warm-up.
func stepMilliseconds(_ parameters: [Variable], inner: Int = 20, _ loss: () -> Variable) throws -> Double {
    let adam = Adam(parameters: parameters, learningRate: 1e-3)
    return try 1e3
        * medianSeconds(repeats: 9, inner: inner) {
            adam.zeroGradients()
            try loss().backward()
            adam.step()
        }
}

// Every product of the reference training step (forward, ∂x and ∂W of each layer; the first
// layer's ∂x is not needed), named m×k×n and whether op(A), op(B) are transposed; compare with
// scripts/numpy_gemm_shapes.py.
var stepGemm: [(String, Double)] = []
for (m, k, n, ta, tb) in [
    (128, 784, 256, false, false), (128, 256, 64, false, false), (128, 64, 256, false, false),
    (128, 256, 784, false, false), (128, 784, 256, false, true), (128, 256, 64, false, true),
    (128, 64, 256, false, true), (784, 128, 256, true, false), (256, 128, 64, true, false),
    (64, 128, 256, true, false), (256, 128, 784, true, false),
] {
    let a = Tensor.randomNormal(ta ? [k, m] : [m, k], using: &rng),
        b = Tensor.randomNormal(tb ? [n, k] : [k, n], using: &rng)
    let s = medianSeconds(repeats: 9, inner: max(1, Int(1e8) / (2 * m * k * n))) {
        _ = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
    }
    stepGemm.append(("\(m)x\(k)x\(n)\(ta ? "T" : "N")\(tb ? "T" : "N")", 2.0 * Double(m * k * n) / s / 1e9))
}

let x = Tensor.randomUniform([128, 784], using: &rng)
let labels = (0..<128).map { $0 % 10 }
// The reference step: 784-256-64-256-784 (ReLU hidden, sigmoid output, MSE), as in numpy_reference.py and
// jax_reference.py.
let model = Autoencoder(sizes: [784, 256, 64], hidden: .relu, code: .relu, output: .sigmoid, using: &rng)
let stepMs = try stepMilliseconds(model.parameters) { meanSquaredError(predictions: model(Variable(x)), targets: x) }

// Each lab's main model with the kit's losses (the penalties students write are left out), batch 128.
var labSteps: [(String, Double)] = []
let linear = Sequential([Dense(784, 32, using: &rng), Dense(32, 784, using: &rng)])
labSteps.append(
    (
        "lab01_linear_ae_784_32",
        try stepMilliseconds(linear.parameters) {
            meanSquaredError(predictions: linear(Variable(x)), targets: x)
        }
    ))
let sparse = Sequential([
    Dense(784, 1024, activation: .sigmoid, using: &rng), Dense(1024, 784, activation: .sigmoid, using: &rng),
])
labSteps.append(
    (
        "lab02_sigmoid_ae_784_1024",
        try stepMilliseconds(sparse.parameters) {
            meanSquaredError(predictions: sparse(Variable(x)), targets: x)
        }
    ))
labSteps.append(("lab03_ae_784_256_64", stepMs))
let contractive = Sequential([
    Dense(784, 256, activation: .sigmoid, using: &rng), Dense(256, 784, activation: .sigmoid, using: &rng),
])
labSteps.append(
    (
        "lab04_sigmoid_ae_784_256",
        try stepMilliseconds(contractive.parameters) {
            meanSquaredError(predictions: contractive(Variable(x)), targets: x)
        }
    ))
// lab05: a VAE 784-512-(μ, log σ²: 2×20) | 20-512-784, Bernoulli likelihood from logits + Gaussian KL.
let vaeEncoder = Sequential([Dense(784, 512, activation: .relu, using: &rng), Dense(512, 40, using: &rng)])
let vaeDecoder = Sequential([Dense(20, 512, activation: .relu, using: &rng), Dense(512, 784, using: &rng)])
let noise = Tensor.randomNormal([128, 20], using: &rng)
labSteps.append(
    (
        "lab05_vae_784_512_20",
        try stepMilliseconds(vaeEncoder.parameters + vaeDecoder.parameters) {
            let h = vaeEncoder(Variable(x))
            let (mu, logVariance) = (h.columns(0..<20), h.columns(20..<40))
            let z = mu + (logVariance * 0.5).exp() * noise
            let kl = ((mu * mu + logVariance.exp() - logVariance - 1) * 0.5).sum() / 128
            return binaryCrossEntropy(logits: vaeDecoder(z), targets: x, reduction: .sumPerExample) + kl
        }
    ))
let codes = Autoencoder(sizes: [784, 256, 64, 10], hidden: .relu, code: .identity, output: .sigmoid, using: &rng)
labSteps.append(
    (
        "lab06_ae_784_256_64_10",
        try stepMilliseconds(codes.parameters) {
            meanSquaredError(predictions: codes(Variable(x)), targets: x)
        }
    ))
// lab07: ConvAutoencoder (28×28×1 → 14×14×16 → 7×7×8 → 4×4×8 and back); compare with
// scripts/jax_conv_autoencoder.py.
// The sides of its stride-2 "same" convolutions, written out (the bench does not need lab 7's 7.1).
let convModel = ConvAutoencoder(height: 28, width: 28, outputSize: { [28: 14, 14: 7, 7: 4][$0]! }, using: &rng)
let convStepMs = try stepMilliseconds(convModel.parameters, inner: 10) {
    meanSquaredError(predictions: convModel(Variable(x)), targets: x)
}
labSteps.append(("lab07_conv_ae", convStepMs))
// lab08: one fine-tuning step (8.4, with its cross-entropy 8.2) of the exercises built in.
let classifier = Classifier(sizes: [784, 256, 64], classes: 10, using: &rng)
let fineTuning = Adam(parameters: classifier.parameters, learningRate: 1e-3)
// Like k-means below, the exercises this bench was built with: the stubs leave it out, with the reason.
do {
    labSteps.append(
        (
            "lab08_classifier_784_256_64_10",
            try 1e3
                * medianSeconds(repeats: 9, inner: 20) {
                    _ = try fineTuningStep(classifier: classifier, optimizer: fineTuning, images: x, labels: labels)
                }
        ))
} catch {
    FileHandle.standardError.write(Data("bench: lab08's step not measured: \(error)\n".utf8))
}
let anomaly = Autoencoder(sizes: [784, 128, 32], hidden: .relu, code: .relu, output: .sigmoid, using: &rng)
labSteps.append(
    (
        "lab09_ae_784_128_32",
        try stepMilliseconds(anomaly.parameters) {
            meanSquaredError(predictions: anomaly(Variable(x)), targets: x)
        }
    ))

// lab06's k-means (the exercises this bench was built with: LABKIT_SOLUTIONS=1 for the reference) on the
// full Fashion-MNIST training images, 60,000 × 784 raw pixels, k = 10, 10 restarts (seeds 0…9) of at most
// 300 Lloyd iterations each; compare with scripts/sklearn_kmeans.py (KMeans(n_clusters=10, n_init=10)).
var kMeansJSON = "null"
if !arguments.contains("--no-kmeans"), let fashion = try? DatasetSource.fashionMNIST.load() {
    let start = DispatchTime.now().uptimeNanoseconds
    var best = Double.infinity, iterations = 0
    do {
        for seed in 0..<10 {
            var generator = SeededGenerator(seed: UInt64(seed))
            let fit = try kMeans(fashion.train.images, k: 10, maxIterations: 300, using: &generator)
            best = min(best, fit.inertia.last!)
            iterations += fit.inertia.count - 1
        }
        kMeansJSON = String(
            format: "{\"seconds\": %.2f, \"best_inertia\": %.6g, \"mean_iterations\": %.1f}",
            Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, best, Double(iterations) / 10)
    } catch {
        kMeansJSON = "\"not run: \(error)\""
    }
}

var loadSeconds = "null"
if (try? DatasetSource.fashionMNIST.load()) != nil {
    loadSeconds = String(
        format: "%.3f", try medianSeconds(repeats: 3, inner: 1) { _ = try DatasetSource.fashionMNIST.load() })
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
let labStepsJSON = labSteps.map { String(format: "\"%@\": %.3f", $0.0, $0.1) }.joined(separator: ", ")
let stepGemmJSON = stepGemm.map { String(format: "\"%@\": %.1f", $0.0, $0.1) }.joined(separator: ", ")
let gflopsJSON = gflops.map { String(format: "\"%@\": %.1f", $0.0, $0.1) }.joined(separator: ", ")
print(
    String(
        format: """
            {"implementation": "AutoencoderLabs LabKit (%@, kernel %@, %d threads)", "cpu_count": %d, "cpu": %@, \
            "matmul_gflops": {%@}, "step_gemm_gflops": {%@}, "train_step_ms": %.3f, "epoch_s_60k": %.2f, \
            "conv_ae_step_ms": %.3f, "lab_step_ms": {%@}, "kmeans_60k": %@, "load_fashion_mnist_s": %@, \
            "peak_rss_mib": %.1f}
            """, configuration, Tensor.matmulKernelName, Tensor.matmulThreads,
        ProcessInfo.processInfo.activeProcessorCount, CPUDescription.current().json,
        gflopsJSON, stepGemmJSON, stepMs, stepMs * 60000 / 128 / 1e3, convStepMs, labStepsJSON, kMeansJSON, loadSeconds,
        peakMiB))
