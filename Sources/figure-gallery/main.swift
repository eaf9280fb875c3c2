// Writes one example of every figure kind, drawn from synthetic data, so the plotting
// toolkit can be looked at without training anything:
//
//   swift run -c release figure-gallery [--out DIR]      (default: out/gallery)
import Foundation
import LabKit
import LabPlot

/// The folder from `--out DIR`; `--help` prints the usage; anything else is an error.
let folder: String = {
    let usage =
        "USAGE: figure-gallery [--out <dir>]\n\nWrites one example of every figure kind (synthetic data) into <dir> (default: out/gallery)."
    var folder = "out/gallery", arguments = Array(CommandLine.arguments.dropFirst())
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "-h", "--help":
            print(usage)
            exit(0)
        case "--out":
            guard let value = arguments.first, !value.hasPrefix("-"), !value.isEmpty else {
                FileHandle.standardError.write(Data("Error: missing value for '--out <dir>'\n\(usage)\n".utf8))
                exit(64)
            }
            folder = arguments.removeFirst()
        default:
            FileHandle.standardError.write(Data("Error: unknown argument '\(argument)'\n\(usage)\n".utf8))
            exit(64)
        }
    }
    return folder
}()
var rng = SeededGenerator(seed: 1)
let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]

func save(_ figure: Figure, _ name: String) {
    do {
        try figure.save(to: "\(folder)/\(name).png")
        print("wrote \(folder)/\(name).png")
    } catch {
        FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

// Line plot: two loss curves on a log axis, with a reference line.
let epochs = 30
let train = (0..<epochs).map { Float(0.06 * exp(-Double($0) / 6) + 0.011) }
let test = (0..<epochs).map { Float(0.062 * exp(-Double($0) / 6) + 0.0125) }
let lines = Figure(title: "Loss curves", subtitle: "784-256-64-256-784 denoising autoencoder, masking 30 %")
lines.add(
    LinePlot(
        title: "Reconstruction error", xLabel: "epoch", yLabel: "MSE",
        series: [
            .init("train", y: train), .init("test", y: test, dashed: true),
        ], logY: true, references: [(0.0111, "JAX reference 0.0111", .category(2))]))
save(lines, "line")

// Scatter: ten Gaussian blobs, one per class.
var xs: [Double] = [], ys: [Double] = [], cs: [Int] = []
for c in 0..<10 {
    let angle = Double(c) / 10 * 2 * Double.pi
    for _ in 0..<300 {
        xs.append(3 * cos(angle) + Double(rng.nextNormal()) * 0.7)
        ys.append(3 * sin(angle) + Double(rng.nextNormal()) * 0.7)
        cs.append(c)
    }
}
let scatter = Figure(title: "2-D codes of test images", height: 760)
scatter.add(
    ScatterPlot(
        title: "μ of q(z|x), coloured by class", xLabel: "z₁", yLabel: "z₂", x: xs, y: ys, classes: cs,
        classNames: classNames))
save(scatter, "scatter")

// Histogram: mean activations with and without the sparsity penalty.
let dense = (0..<1024).map { _ in Double(0.3 + 0.25 * rng.nextUniform()) }
let sparse = (0..<1024).map { _ in Double(Swift.max(0.001, 0.05 + 0.01 * rng.nextNormal())) }
let histogram = Figure(title: "Mean activations ρ̂ⱼ of 1024 hidden units")
histogram.add(
    Histogram(
        title: "", xLabel: "ρ̂ⱼ", samples: [("β = 0", dense), ("β = 3", sparse)], bins: 60, range: (0, 0.6),
        markers: [(0.05, "target ρ = 0.05", .black)]))
save(histogram, "histogram")

// Bar chart.
let bars = Figure(title: "KL per latent dimension", height: 520)
let klPerDimension: [Double] = (0..<20).map { d in d < 9 ? 3 - Double(d) * 0.3 : 0.01 }
bars.add(
    BarChart(
        title: "", xLabel: "latent dimension", yLabel: "KL (nats)", categories: (1...20).map { "\($0)" },
        series: [("20-D VAE", klPerDimension)]))
save(bars, "bars")

// Heatmap with annotations: a confusion matrix.
var confusion = [[Double]](repeating: [Double](repeating: 0, count: 10), count: 10)
for i in 0..<10 {
    for j in 0..<10 { confusion[i][j] = Double(i == j ? 700 + rng.nextInt(below: 250) : rng.nextInt(below: 40)) }
}
let heatmap = Figure(title: "Confusion matrix (k-means on codes)", height: 820)
heatmap.add(
    Heatmap(
        title: "", xLabel: "cluster (matched)", yLabel: "true class", values: confusion,
        rowLabels: classNames, columnLabels: classNames.map { String($0.prefix(7)) }, colormap: .blues,
        annotationFormat: "%.0f", colorbarLabel: "images"))
save(heatmap, "heatmap")

// Image grid: synthetic strokes as 28×28 tiles, and signed "filters".
func blob(_ cx: Double, _ cy: Double, _ s: Double) -> [Float] {
    (0..<784).map { i in
        let (x, y) = (Double(i % 28), Double(i / 28))
        return Float(exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s)))
    }
}
let clean = (0..<10).map { blob(8 + Double($0) * 1.2, 14, 3 + Double($0 % 3)) }
let noisy: [[Float]] = clean.map { tile in tile.map { v in rng.nextUniform() < 0.3 ? 0 : v } }
let grid = Figure(title: "Clean / corrupted / denoised")
grid.add(
    ImageGrid(title: "", tiles: clean + noisy + clean, columns: 10, rowLabels: ["clean", "masked 30 %", "denoised"]))
save(grid, "image-grid")
let filters = Figure(title: "First-layer filters (signed weights)")
let signedTiles: [[Float]] = (0..<32).map { (k: Int) -> [Float] in
    let centre = (x: Double(4 + k % 8 * 3), y: Double(4 + k / 8 * 6))
    return blob(centre.x, centre.y, 2.5).map { $0 - 0.2 }
}
filters.add(ImageGrid(title: "", tiles: signedTiles, columns: 8, scaling: .signed))
save(filters, "filters")

// Several panels in one figure.
let panels = Figure(title: "Several panels", rows: 2, columns: 2)
panels.add(
    LinePlot(title: "Loss", xLabel: "epoch", yLabel: "MSE", series: [.init("train", y: train)], logY: true), row: 0,
    column: 0)
panels.add(Histogram(title: "ρ̂", xLabel: "ρ̂ⱼ", samples: [("β = 3", sparse)], bins: 30), row: 0, column: 1)
panels.add(
    Heatmap(
        title: "Activations (units × examples)", xLabel: "example", yLabel: "unit",
        values: (0..<32).map { _ in (0..<48).map { _ in Double(rng.nextUniform()) } }), row: 1, column: 0)
panels.add(ImageGrid(title: "Reconstructions", tiles: clean, columns: 5), row: 1, column: 1)
save(panels, "panels")
