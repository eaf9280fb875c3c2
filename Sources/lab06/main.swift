// Lab 06 — Clustering on learned codes.
//
// Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory (1982); Arthur &
// Vassilvitskii, "k-means++: the advantages of careful seeding", SODA (2007); Xie, Girshick &
// Farhadi, "Unsupervised deep embedding for clustering analysis", ICML (2016).
//
// Read top to bottom: each numbered section explains a step, then runs it. The student's
// code is in Labs/Lab06/Lab06Clustering.swift (exercises 6.1–6.7).
//
//   swift run lab06 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab06 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab06Exercises
import LabData
import LabKit
import LabPlot
import LabNotebook

enum Lab06: LabProgram {
    static let info = LabInfo(
        number: 6, title: "Clustering on learned codes",
        reference: "Lloyd (1982); Arthur & Vassilvitskii (2007); Xie, Girshick & Farhadi (2016)",
        summary: "An autoencoder's small code is a representation on which a classic clustering algorithm may work better than on raw pixels. We cluster with your k-means (k-means++ seeding, k = 10) on raw pixels, on PCA codes and on autoencoder codes of the same size, and score each against the true classes with your accuracy, NMI and purity.",
        requirements: (train: 10, test: 10, pixels: 48 * 48))  // a full eigendecomposition of the D × D covariance: 48² takes ~20 s, 64² ~2 min

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(help: "Number of clusters k. Try 5 or 20: accuracy needs a one-to-one match, so watch NMI and purity.")
        var clusters = 10
        @Option(name: .customLong("code-size"), help: "Size of the autoencoder's code and of the PCA baseline. Try 2 or 32.")
        var codeSize = 10

        func validate() throws {
            try requireKnob((2...100).contains(clusters), "--clusters must be between 2 and 100, got \(clusters)")
            try requireKnob((1...256).contains(codeSize), "--code-size must be between 1 and 256, got \(codeSize)")
        }
        var flags: [String] { ["--clusters \(clusters)", "--code-size \(codeSize)"] }
    }

    static func notebook(_ nb: Notebook, _ options: LabOptions, _ training: TrainingKnobs<Lab06>, _ knobs: Knobs) throws {
        let (k, codeSize) = (knobs.clusters, knobs.codeSize)
        let epochs = options.epochs(default: 20, quick: 2)
        var rng = SeededGenerator(seed: options.seed)

        // MARK: 1. The data
        let data = try nb.dataSection(options, explanation: "k-means is fitted on the training split; the test images are then assigned to the fitted centroids and scored against their classes.")
        let (train, test) = (data.train.images, data.test.images)

        // MARK: 2. Three representations
        nb.section("Three representations of the same images", "Raw pixels (\(data.pixels)-D); the first \(codeSize) principal components (PCA-\(codeSize)); and the \(codeSize)-D code of an autoencoder \(data.pixels)-256-64-\(codeSize)-64-256-\(data.pixels) (ReLU, linear code, sigmoid output) trained with MSE for \(epochs) epochs (Adam, learning rate \(Format.number(training.learningRate)), batch \(training.batchSize)).")
        let mean = train.mean(alongAxis: 0)
        let centredTrain = train - mean
        let pca = SymmetricEigen(Tensor.matmul(centredTrain, centredTrain, transposeA: true) / Float(train.rows - 1)).vectors.columns(0..<Swift.min(codeSize, data.pixels))
        let autoencoder = Autoencoder(sizes: [data.pixels, 256, 64, codeSize], hidden: .relu, code: .identity, output: .sigmoid, using: &rng)
        var loop = TrainingLoop(epochs: epochs, batchSize: training.batchSize, label: "autoencoder", seed: options.seed &+ 1)
        try nb.trained("autoencoder-code\(codeSize)", parameters: autoencoder.parameters) {
            _ = try loop.run(on: train, optimizer: Adam(parameters: autoencoder.parameters, learningRate: training.learningRate)) { batch, _ in
                LossTerms(meanSquaredError(predictions: autoencoder(Variable(batch)), targets: batch))
            }
        }
        // Codes are standardised per dimension so no single dimension dominates the distances.
        let rawCodes = Evaluation.inChunks(train) { autoencoder.encode($0) }
        let codeMean = rawCodes.mean(alongAxis: 0), codeScale = (rawCodes - codeMean).squared().mean(alongAxis: 0).sqrt() + 1e-6
        let representations: [(String, Tensor, Tensor)] = [
            ("raw pixels", train, test),
            ("PCA-\(codeSize)", Tensor.matmul(centredTrain, pca), Tensor.matmul(test - mean, pca)),
            ("autoencoder-\(codeSize)", (rawCodes - codeMean) / codeScale, (Evaluation.inChunks(test) { autoencoder.encode($0) } - codeMean) / codeScale),
        ]
        nb.table(["representation", "train features", "test features"], representations.map { [$0.0, Format.shape($0.1.shape), Format.shape($0.2.shape)] })

        // MARK: 3. k-means on each (exercises 6.1–6.4)
        nb.section("k-means with k-means++ seeding (exercises 6.1–6.4)", "Your k-means, run from 3 seeds on each representation; the run with the lowest training inertia is kept. The inertia Σ‖x − c‖² must never increase from one iteration to the next.")
        var fits: [(name: String, centroids: Tensor, inertia: [Double], testClusters: [Int], seconds: Double)] = []
        for (name, trainFeatures, testFeatures) in representations {
            let start = Date()
            var best: (centroids: Tensor, assignments: [Int], inertia: [Double])?
            for restart in 0..<3 {
                var seeding = SeededGenerator(seed: options.seed &+ 100 &+ UInt64(restart))
                let fit = try kMeans(trainFeatures, k: k, maxIterations: 100, using: &seeding)
                if best == nil || fit.inertia.last! < best!.inertia.last! { best = fit }
            }
            let seconds = Date().timeIntervalSince(start)
            fits.append((name, best!.centroids, best!.inertia, try assignClusters(testFeatures, centroids: best!.centroids), seconds))
            let increases = zip(best!.inertia, best!.inertia.dropFirst()).filter { $1 > $0 * (1 + 1e-9) }.count
            nb.say("\(name): \(best!.inertia.count - 1) iterations, inertia \(Format.number(best!.inertia.first!)) → \(Format.number(best!.inertia.last!))\(increases > 0 ? " — WARNING: the inertia increased \(increases) times" : " (never increased)").")
        }
        // Timings vary from run to run, so they stay out of report.md (which must be reproducible).
        nb.table(["representation", "k-means time (3 seeds)"], fits.map { [$0.name, Format.fixed($0.seconds, 2) + " s"] }, inReport: false)

        // MARK: 4. Scores (exercises 6.5–6.7)
        nb.section("Scores on the test set (exercises 6.5–6.7)", "Accuracy under the best one-to-one matching of clusters to classes (Hungarian algorithm), normalised mutual information (arithmetic normalisation), purity, and the adjusted Rand index.")
        var scoreRows: [[String]] = []
        var scores: [(Double, Double)] = []
        for fit in fits {
            let accuracy = try clusteringAccuracy(clusters: fit.testClusters, labels: data.test.labels)
            let nmi = try normalizedMutualInformation(clusters: fit.testClusters, labels: data.test.labels)
            let pur = try purity(clusters: fit.testClusters, labels: data.test.labels)
            let ari = Evaluation.adjustedRandIndex(fit.testClusters, data.test.labels)
            scoreRows.append([fit.name, Format.fixed(accuracy, 3), Format.fixed(nmi, 3), Format.fixed(pur, 3), Format.fixed(ari, 3)])
            scores.append((accuracy, nmi))
            let key = fit.name.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            nb.metric("\(key)_accuracy", accuracy)
            nb.metric("\(key)_nmi", nmi)
            nb.metric("\(key)_purity", pur)
            nb.metric("\(key)_ari", ari)
        }
        nb.table(["representation", "accuracy", "NMI", "purity", "ARI"], scoreRows)
        func change(_ a: Double, _ b: Double) -> String { (b >= a ? "+" : "−") + Format.fixed(Swift.abs(b - a), 3) }
        // What the scores and the confusion say, only as far as they say it.
        let (gainAccuracy, gainNMI) = (scores[2].0 - scores[0].0, scores[2].1 - scores[0].1)
        let verdict = gainAccuracy > 0.02 && gainNMI > 0.02 ? "the codes cluster better than the pixels"
            : gainAccuracy < -0.02 && gainNMI < -0.02 ? "the codes cluster worse than the pixels (a short training or a code too small for the data can do that)"
            : "the codes and the pixels cluster about equally well"
        nb.say("Autoencoder codes against raw pixels in this run: accuracy \(change(scores[0].0, scores[2].0)), NMI \(change(scores[0].1, scores[2].1)) — \(verdict). (Reference on the full Fashion-MNIST, k = 10, k-means fitted on training codes, scored on test: raw pixels ACC 0.482 / NMI 0.512; PCA-10 0.481 / 0.510; AE 784-256-64-10 0.520 / 0.571. On digits the codes gain far more.)")
        let (counts, _) = confusion(fits[2].testClusters, data.test.labels, classes: data.classCount)
        let share = counts.map { row in (row.max() ?? 0) / Swift.max(1, row.reduce(0, +)) }
        let clean = share.indices.filter { share[$0] >= 0.8 }.map { data.classNames[$0] }
        let split = share.indices.filter { share[$0] < 0.5 }.map { data.classNames[$0] }
        if !clean.isEmpty { nb.say("On \(fits[2].name), \(clean.joined(separator: ", ")): at least 80 % of each class's test images share one cluster.") }
        if !split.isEmpty { nb.say("Spread over several clusters (no cluster holds half of the class): \(split.joined(separator: ", ")). The confusion matrices below show where they go.") }

        // MARK: 5. Figures
        nb.section("Figures", "Confusions, prototypes and the shape of the clusters.")
        let figureConfusion = Figure(title: "Confusion matrices on the test set: true class × cluster", width: 1500, height: 700, columns: 2)
        for (panel, index) in [0, 2].enumerated() {
            let (counts, order) = confusion(fits[index].testClusters, data.test.labels, classes: data.classCount)
            figureConfusion.add(Heatmap(title: fits[index].name, xLabel: "cluster (ordered by the mean class of its members)", yLabel: panel == 0 ? "true class" : "",
                                        values: counts, rowLabels: panel == 0 ? data.classNames : (0..<data.classCount).map { _ in "" },
                                        columnLabels: order.map { "c\($0 + 1)" }, colormap: .blues, annotationFormat: "%.0f",
                                        colorbarLabel: "test images"), column: panel)
        }
        try nb.figure(figureConfusion, name: "confusion", caption: "Confusion matrices of k-means on raw pixels and on autoencoder codes")

        let aeTest = representations[2].2
        let projection = SymmetricEigen(Tensor.matmul(aeTest - aeTest.mean(alongAxis: 0), aeTest - aeTest.mean(alongAxis: 0), transposeA: true)).vectors.columns(0..<2)
        let plane = Tensor.matmul(aeTest - aeTest.mean(alongAxis: 0), projection)
        let xs = (0..<plane.rows).map { Double(plane[$0, 0]) }, ys = (0..<plane.rows).map { Double(plane[$0, 1]) }
        let figureCodes = Figure(title: "Autoencoder codes of the test images, projected to 2-D (first two principal axes)", width: 1500, height: 640, columns: 2)
        figureCodes.add(ScatterPlot(title: "coloured by k-means cluster", xLabel: "axis 1", yLabel: "axis 2", x: xs, y: ys, classes: fits[2].testClusters,
                                    classNames: (0..<k).map { "cluster \($0 + 1)" }, markerRadius: 2.2, alpha: 0.6), column: 0)
        figureCodes.add(ScatterPlot(title: "coloured by true class", xLabel: "axis 1", yLabel: "axis 2", x: xs, y: ys, classes: data.test.labels,
                                    classNames: data.classNames, markerRadius: 2.2, alpha: 0.6), column: 1)
        try nb.figure(figureCodes, name: "codes-2d", caption: "The same 2-D view of the codes, coloured by cluster and by class")

        let decodedAE = autoencoder.decoder.evaluate(fits[2].centroids * codeScale + codeMean)
        let decodedPCA = Tensor.matmul(fits[1].centroids, pca, transposeB: true) + mean
        let figurePrototypes = Figure(title: "Cluster centroids as images (prototypes)", subtitle: "raw-pixel centroids are images already; PCA and autoencoder centroids are decoded")
        figurePrototypes.add(ImageGrid(title: "", tiles: fits[0].centroids.arrayRows + decodedPCA.arrayRows + decodedAE.arrayRows,
                                       columns: k, rowLabels: fits.map(\.name), columnLabels: (1...k).map { "cluster \($0)" }))
        try nb.figure(figurePrototypes, name: "prototypes", caption: "Centroids of the three clusterings, decoded back to images")

        var memberTiles: [[Float]] = []
        for c in 0..<k {
            let members = fits[2].testClusters.indices.filter { fits[2].testClusters[$0] == c }.prefix(10)
            memberTiles += members.map { test.row($0).scalars } + Array(repeating: [Float](repeating: 1, count: data.pixels), count: 10 - members.count)
        }
        let figureMembers = Figure(title: "Ten test images from each autoencoder-code cluster")
        figureMembers.add(ImageGrid(title: "", tiles: memberTiles, columns: 10, rowLabels: (1...k).map { "cluster \($0)" }))
        try nb.figure(figureMembers, name: "cluster-samples", caption: "Samples of every cluster found on autoencoder codes")

        let figureInertia = Figure(title: "k-means inertia", width: 1400, height: 560, columns: 2)
        figureInertia.add(LinePlot(title: "over iterations (relative to the final value)", xLabel: "iteration", yLabel: "inertia / final inertia",
                                   series: fits.map { fit in .init(fit.name, x: fit.inertia.indices.map(Double.init), y: fit.inertia.map { $0 / (fit.inertia.last! > 0 ? fit.inertia.last! : 1) }, markers: fit.inertia.count < 30) },
                                   logY: true), column: 0)
        let ks = Array(2...Swift.max(2, Swift.min(15, train.rows)))
        var elbow: [Double] = []
        for kk in ks {
            var seeding = SeededGenerator(seed: options.seed &+ 500 &+ UInt64(kk))
            elbow.append(try kMeans(representations[2].1, k: kk, maxIterations: 100, using: &seeding).inertia.last!)
        }
        figureInertia.add(LinePlot(title: "against k (autoencoder codes)", xLabel: "number of clusters k", yLabel: "final training inertia",
                                   series: [.init(fits[2].name, x: ks.map(Double.init), y: elbow, markers: true)]), column: 1)
        try nb.figure(figureInertia, name: "inertia", caption: "Inertia per iteration for each representation, and final inertia against k")
    }

    /// Counts [true class][cluster] for the figure. Clusters are shown in the order of the mean
    /// class index of their members, which puts clean clusters near the diagonal — a display
    /// order, not the matching that accuracy (6.5) needs.
    static func confusion(_ clusters: [Int], _ labels: [Int], classes: Int) -> (counts: [[Double]], order: [Int]) {
        let k = (clusters.max() ?? 0) + 1
        var counts = [[Double]](repeating: [Double](repeating: 0, count: k), count: classes)
        for (c, l) in zip(clusters, labels) { counts[l][c] += 1 }
        let meanClass = (0..<k).map { c -> Double in
            let size = (0..<classes).reduce(0.0) { $0 + counts[$1][c] }
            return size > 0 ? (0..<classes).reduce(0.0) { $0 + Double($1) * counts[$1][c] } / size : Double(classes)
        }
        let order = (0..<k).sorted { (meanClass[$0], $0) < (meanClass[$1], $1) }
        return (counts.map { row in order.map { row[$0] } }, order)
    }
}

LabCommand<Lab06>.main()
