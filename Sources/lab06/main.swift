// Lab 06 — Clustering on learned codes.
//
// Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory (1982); Arthur &
// Vassilvitskii, "k-means++: the advantages of careful seeding", SODA (2007); Xie, Girshick &
// Farhadi, "Unsupervised deep embedding for clustering analysis", ICML (2016).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab06/Lab06Clustering.swift (exercises 6.1–6.7).
//
//   swift run lab06 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab06 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab06Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

/// One representation of the images: features of the training and test images, and the way
/// back from a point in feature space to an image (for the centroids).
struct Representation {
    let name: String
    let train: Tensor, test: Tensor
    let decode: (Tensor) -> Tensor
}

/// The best of three k-means runs on one representation, and the test images' clusters.
struct Clustering {
    let name: String
    let centroids: Tensor
    let inertia: [Double]
    let testClusters: [Int]
    let seconds: Double
}

enum Lab06: LabProgram {
    static let info = LabInfo(
        number: 6, sections: 5,
        reference: "Lloyd (1982); Arthur & Vassilvitskii (2007); Xie, Girshick & Farhadi (2016)",
        summary: """
            An autoencoder's small code is a representation on which a classic clustering algorithm may work better \
            than on raw pixels. We cluster with your k-means (k-means++ seeding, k = 10) on raw pixels, on PCA codes \
            and on autoencoder codes of the same size, and score each against the true classes with your accuracy, \
            NMI and purity.
            """,
        // A full eigendecomposition of the D × D covariance: 48² takes ~20 s, 64² ~2 min.
        requirements: (train: 10, test: 10, pixels: 48 * 48))

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(help: "Number of clusters k. Try 5 or 20: accuracy needs a one-to-one match, so watch NMI and purity.")
        var clusters = 10
        @Option(help: "Size of the autoencoder's code and of PCA's. Try 2 or 32.")
        var codeSize = 10

        func validate() throws {
            try requireKnob((2...100).contains(clusters), "--clusters must be between 2 and 100, got \(clusters)")
            try requireKnob((1...256).contains(codeSize), "--code-size must be between 1 and 256, got \(codeSize)")
        }
    }

    static func notebook(_ run: LabRun<Lab06>) throws {
        let data = try run.dataSection(
            explanation: """
                k-means is fitted on the training split; the test images are then assigned to the fitted centroids and \
                scored against their classes.
                """)
        let representations = try run.threeRepresentations(data)
        let clusterings = try run.cluster(representations)
        try run.score(clusterings, data)
        try run.figures(clusterings, representations, data)
    }
}

extension Lab06 {
    /// Scoring the clusterings and drawing the centroids after k-means (37 % measured).
    static var evaluationShare: Double { 0.35 }

    /// The autoencoder, and k-means from three seeds on each representation: about 50 Lloyd
    /// iterations of n·k·D multiply-adds each, against an epoch's 3 × (its multiply-adds).
    static func plannedWork(_ run: LabRun<Lab06>, _ data: Dataset) -> [PlannedWork] {
        let c = run.codeSize, d = data.pixels, n = data.train.count
        let kMeans = [("raw pixels", d), ("PCA-\(c)", c), ("autoencoder-\(c)", c)].map { name, dimensions in
            PlannedWork(LabRun<Lab06>.clusteringLabel(name), weight: 3 * 50 * Double(n * run.k * dimensions))
        }
        return [.dense("autoencoder", [d, 256, 64, c, 64, 256, d], epochs: run.epochs, examples: n)] + kMeans
    }
}

extension LabRun where Lab == Lab06 {
    var k: Int { knobs.clusters }
    var codeSize: Int { knobs.codeSize }

    var epochs: Int { options.epochs(default: 20, quick: 2) }
    static func clusteringLabel(_ representation: String) -> String { "k-means on \(representation)" }

    func threeRepresentations(_ data: Dataset) throws -> [Representation] {
        nb.section(
            "Three representations of the same images",
            """
            Raw pixels (\(data.pixels)-D); the first \(codeSize) principal components (PCA-\(codeSize)); and the \
            \(codeSize)-D code of an autoencoder \(data.pixels)-256-64-\(codeSize)-64-256-\(data.pixels) (ReLU, \
            linear code, sigmoid output) trained with MSE for \(epochs) epochs (Adam, learning rate \
            \(Format.number(training.learningRate)), batch \(training.batchSize)).
            """)
        let (train, test) = (data.train.images, data.test.images)
        let mean = train.mean(alongAxis: 0), centred = train - mean
        let covariance = Tensor.matmul(centred, centred, transposeA: true) / Float(train.rowCount - 1)
        let pca = SymmetricEigen(covariance).vectors.columns(0..<Swift.min(codeSize, data.pixels))
        var rng = SeededGenerator(seed: options.seed)
        let autoencoder = Autoencoder(
            sizes: [data.pixels, 256, 64, codeSize], hidden: .relu, code: .identity,
            output: .sigmoid, using: &rng)
        try trainAutoencoder(autoencoder, on: train, epochs: epochs)
        // Codes are standardised per dimension so no single dimension dominates the distances.
        let rawCodes = Evaluation.inChunks(train) { autoencoder.encode($0) }
        let codeMean = rawCodes.mean(alongAxis: 0)
        let codeScale = (rawCodes - codeMean).squared().mean(alongAxis: 0).sqrt() + 1e-6
        let testCodes = Evaluation.inChunks(test) { autoencoder.encode($0) }
        // A centroid c in PCA coordinates maps back to the image mean + c·Wᵀ.
        let pcaTransposed = pca.transposed
        let representations = [
            Representation(name: "raw pixels", train: train, test: test, decode: { $0 }),
            Representation(
                name: "PCA-\(codeSize)", train: Tensor.matmul(centred, pca),
                test: Tensor.matmul(test - mean, pca),
                decode: { codes in mean + Tensor.matmul(codes, pcaTransposed) }),
            Representation(
                name: "autoencoder-\(codeSize)", train: (rawCodes - codeMean) / codeScale,
                test: (testCodes - codeMean) / codeScale,
                decode: { autoencoder.decoder.evaluate($0 * codeScale + codeMean) }),
        ]
        nb.table(
            ["representation", "train features", "test features"],
            representations.map { [$0.name, Format.shape($0.train.shape), Format.shape($0.test.shape)] })
        return representations
    }

    /// Trains the autoencoder with MSE (or reuses it with --from-section).
    func trainAutoencoder(_ autoencoder: Autoencoder, on train: Tensor, epochs: Int) throws {
        _ = try trainWithAdam(
            "autoencoder-code\(codeSize)", autoencoder.parameters, on: train, epochs: epochs,
            label: "autoencoder", seed: options.seed &+ 1
        ) { batch, _ in
            LossTerms(meanSquaredError(predictions: autoencoder(Variable(batch)), targets: batch))
        }
    }

    func cluster(_ representations: [Representation]) throws -> [Clustering] {
        nb.section(
            "k-means with k-means++ seeding (exercises 6.1–6.4)",
            """
            Your k-means, run from 3 seeds on each representation; the run with the lowest training inertia is \
            kept. The inertia Σ‖x − c‖² must never increase from one iteration to the next.
            """)
        let clusterings = try representations.map { representation in
            let start = Date()
            var best: (centroids: Tensor, assignments: [Int], inertia: [Double])?
            let label = Self.clusteringLabel(representation.name)
            for restart in 0..<3 {
                ProgressDisplay.shared.update(label, fraction: Double(restart) / 3, detail: "seed \(restart + 1)/3")
                var seeding = SeededGenerator(seed: options.seed &+ 100 &+ UInt64(restart))
                let fit = try kMeans(representation.train, k: k, maxIterations: 100, using: &seeding)
                if best == nil || fit.inertia.last! < best!.inertia.last! { best = fit }
            }
            let seconds = Date().timeIntervalSince(start), inertia = best!.inertia
            ProgressDisplay.shared.finish(label)
            let increases = zip(inertia, inertia.dropFirst()).filter { $1 > $0 * (1 + 1e-9) }.count
            let note = increases > 0 ? " — WARNING: the inertia increased \(increases) times" : " (never increased)"
            nb.say(
                """
                \(representation.name): \(inertia.count - 1) iterations, inertia \(Format.number(inertia.first!)) \
                → \(Format.number(inertia.last!))\(note).
                """)
            return Clustering(
                name: representation.name, centroids: best!.centroids, inertia: inertia,
                testClusters: try assignClusters(representation.test, centroids: best!.centroids),
                seconds: seconds)
        }
        // Timings vary from run to run, so they stay out of report.md (which must be reproducible).
        nb.table(
            ["representation", "k-means time (3 seeds)"],
            clusterings.map { [$0.name, Format.fixed($0.seconds, 2) + " s"] }, inReport: false)
        return clusterings
    }

    func score(_ clusterings: [Clustering], _ data: Dataset) throws {
        nb.section(
            "Scores on the test set (exercises 6.5–6.7)",
            """
            Accuracy under the best one-to-one matching of clusters to classes (Hungarian algorithm), normalised \
            mutual information (arithmetic normalisation), purity, and the adjusted Rand index.
            """)
        let labels = data.test.labels
        var rows: [[String]] = []
        let scores = try clusterings.map { fit -> (accuracy: Double, nmi: Double) in
            let accuracy = try clusteringAccuracy(clusters: fit.testClusters, labels: labels)
            let nmi = try normalizedMutualInformation(clusters: fit.testClusters, labels: labels)
            let pur = try purity(clusters: fit.testClusters, labels: labels)
            let ari = Evaluation.adjustedRandIndex(fit.testClusters, labels)
            rows.append([fit.name] + [accuracy, nmi, pur, ari].map { Format.fixed($0, 3) })
            let key = fit.name.lowercased().replacingOccurrences(of: " ", with: "_")
                .replacingOccurrences(of: "-", with: "_")
            for (name, value) in [("accuracy", accuracy), ("nmi", nmi), ("purity", pur), ("ari", ari)] {
                nb.metric("\(key)_\(name)", value)
            }
            return (accuracy, nmi)
        }
        nb.table(["representation", "accuracy", "NMI", "purity", "ARI"], rows)
        conclusions(scores, clusterings[2], data)
    }

    /// What the scores and the confusion say, only as far as they say it.
    func conclusions(_ scores: [(accuracy: Double, nmi: Double)], _ codes: Clustering, _ data: Dataset) {
        func change(_ a: Double, _ b: Double) -> String { (b >= a ? "+" : "−") + Format.fixed(Swift.abs(b - a), 3) }
        let (gainAccuracy, gainNMI) = (scores[2].accuracy - scores[0].accuracy, scores[2].nmi - scores[0].nmi)
        let verdict =
            gainAccuracy > 0.02 && gainNMI > 0.02
            ? "the codes cluster better than the pixels"
            : gainAccuracy < -0.02 && gainNMI < -0.02
                ? "the codes cluster worse than the pixels "
                    + "(a short training or a code too small for the data can do that)"
                : "the codes and the pixels cluster about equally well"
        nb.say(
            """
            Autoencoder codes against raw pixels in this run: accuracy \
            \(change(scores[0].accuracy, scores[2].accuracy)), NMI \(change(scores[0].nmi, scores[2].nmi)) — \
            \(verdict). (Reference on the full Fashion-MNIST, k = 10, k-means fitted on training codes, scored on \
            test: raw pixels ACC 0.482 / NMI 0.512; PCA-10 0.481 / 0.510; AE 784-256-64-10 0.520 / 0.571. On \
            digits the codes gain far more.)
            """)
        let (counts, _) = Lab06.confusion(codes.testClusters, data.test.labels, classes: data.classCount)
        let share = counts.map { row in (row.max() ?? 0) / Swift.max(1, row.reduce(0, +)) }
        let clean = share.indices.filter { share[$0] >= 0.8 }.map { data.classNames[$0] }
        let split = share.indices.filter { share[$0] < 0.5 }.map { data.classNames[$0] }
        if !clean.isEmpty {
            nb.say(
                """
                On \(codes.name), \(clean.joined(separator: ", ")): at least 80 % of each class's test images \
                share one cluster.
                """)
        }
        if !split.isEmpty {
            nb.say(
                """
                Spread over several clusters (no cluster holds half of the class): \
                \(split.joined(separator: ", ")). The confusion matrices below show where they go.
                """)
        }
    }

    func figures(_ clusterings: [Clustering], _ representations: [Representation], _ data: Dataset) throws {
        nb.section("Figures", "Confusions, prototypes and the shape of the clusters.")
        let confusions = Figure(
            title: "Confusion matrices on the test set: true class × cluster",
            width: 1500, height: 700, columns: 2)
        for (panel, fit) in [clusterings[0], clusterings[2]].enumerated() {
            let (counts, order) = Lab06.confusion(fit.testClusters, data.test.labels, classes: data.classCount)
            confusions.add(
                Heatmap(
                    title: fit.name, xLabel: "cluster (ordered by the mean class of its members)",
                    yLabel: panel == 0 ? "true class" : "", values: counts,
                    rowLabels: panel == 0 ? data.classNames : (0..<data.classCount).map { _ in "" },
                    columnLabels: order.map { "c\($0 + 1)" }, colormap: .blues,
                    annotationFormat: "%.0f", colorbarLabel: "test images"), column: panel)
        }
        try nb.figure(
            confusions, name: "confusion",
            caption: "Confusion matrices of k-means on raw pixels and on autoencoder codes")
        try codeFigures(clusterings[2], representations[2], data)

        let prototypes = Figure(
            title: "Cluster centroids as images (prototypes)",
            subtitle: "raw-pixel centroids are images already; "
                + "PCA and autoencoder centroids are decoded")
        let decoded = zip(clusterings, representations).flatMap { $1.decode($0.centroids).arrayRows }
        prototypes.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, tiles: decoded, columns: k, rowLabels: clusterings.map(\.name),
                columnLabels: (1...k).map { "cluster \($0)" }))
        try nb.figure(
            prototypes, name: "prototypes",
            caption: "Centroids of the three clusterings, decoded back to images")
        try membersFigure(clusterings[2], data)
        try inertiaFigure(clusterings, representations[2])
    }

    /// The autoencoder codes in 2-D, coloured by cluster and by class.
    func codeFigures(_ codes: Clustering, _ representation: Representation, _ data: Dataset) throws {
        let centred = representation.test - representation.test.mean(alongAxis: 0)
        let projection = SymmetricEigen(Tensor.matmul(centred, centred, transposeA: true)).vectors.columns(0..<2)
        let plane = Tensor.matmul(centred, projection)
        let xs = (0..<plane.rowCount).map { Double(plane[$0, 0]) }
        let ys = (0..<plane.rowCount).map { Double(plane[$0, 1]) }
        let figure = Figure(
            title: "Autoencoder codes of the test images, projected to 2-D "
                + "(first two principal axes)",
            width: 1500, height: 640, columns: 2)
        figure.add(
            ScatterPlot(
                title: "coloured by k-means cluster", xLabel: "axis 1", yLabel: "axis 2",
                x: xs, y: ys, classes: codes.testClusters,
                classNames: (0..<k).map { "cluster \($0 + 1)" },
                markerRadius: 2.2, alpha: 0.6), column: 0)
        figure.add(
            ScatterPlot(
                title: "coloured by true class", xLabel: "axis 1", yLabel: "axis 2", x: xs, y: ys,
                classes: data.test.labels, classNames: data.classNames, markerRadius: 2.2,
                alpha: 0.6),
            column: 1)
        try nb.figure(
            figure, name: "codes-2d",
            caption: "The same 2-D view of the codes, coloured by cluster and by class")
    }

    /// Ten test images of each cluster found on autoencoder codes (blank tiles where a cluster has fewer).
    func membersFigure(_ codes: Clustering, _ data: Dataset) throws {
        var tiles: [[Float]] = []
        for c in 0..<k {
            let members = codes.testClusters.indices.filter { codes.testClusters[$0] == c }.prefix(10)
            tiles +=
                members.map { data.test.images.row($0).scalars }
                + Array(repeating: [Float](repeating: 1, count: data.pixels), count: 10 - members.count)
        }
        let figure = Figure(title: "Ten test images from each autoencoder-code cluster")
        figure.add(
            ImageGrid(
                title: "", imageShape: data.imageShape, tiles: tiles, columns: 10,
                rowLabels: (1...k).map { "cluster \($0)" }))
        try nb.figure(
            figure, name: "cluster-samples",
            caption: "Samples of every cluster found on autoencoder codes")
    }

    func inertiaFigure(_ clusterings: [Clustering], _ codes: Representation) throws {
        let figure = Figure(title: "k-means inertia", width: 1400, height: 560, columns: 2)
        let series = clusterings.map { fit in
            LinePlot.Series(
                fit.name, x: fit.inertia.indices.map(Double.init),
                y: fit.inertia.map { $0 / (fit.inertia.last! > 0 ? fit.inertia.last! : 1) },
                markers: fit.inertia.count < 30)
        }
        figure.add(
            LinePlot(
                title: "over iterations (relative to the final value)", xLabel: "iteration",
                yLabel: "inertia / final inertia", series: series, logY: true), column: 0)
        let ks = Array(2...Swift.max(2, Swift.min(15, codes.train.rowCount)))
        let elbow = try ks.map { kk in
            var seeding = SeededGenerator(seed: options.seed &+ 500 &+ UInt64(kk))
            return try kMeans(codes.train, k: kk, maxIterations: 100, using: &seeding).inertia.last!
        }
        figure.add(
            LinePlot(
                title: "against k (autoencoder codes)", xLabel: "number of clusters k",
                yLabel: "final training inertia",
                series: [.init(codes.name, x: ks.map(Double.init), y: elbow, markers: true)]),
            column: 1)
        try nb.figure(
            figure, name: "inertia",
            caption: "Inertia per iteration for each representation, and final inertia against k")
    }
}

extension Lab06 {
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
