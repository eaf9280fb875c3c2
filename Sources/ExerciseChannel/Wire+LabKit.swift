import LabKit

extension Tensor: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(shape.count)
        for size in shape { writer.int(size) }
        writer.floats(scalars)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Tensor {
        let rank = try reader.count(itemSize: 8)
        let shape = try (0..<rank).map { _ in try reader.int() }
        let scalars = try reader.floats()
        guard shape.allSatisfy({ $0 >= 0 }),
            shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) == scalars.count
        else { throw WireError("a tensor of shape \(shape) with \(scalars.count) values") }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension Activation: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.string(rawValue) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Activation {
        let name = try reader.string()
        guard let activation = Activation(rawValue: name) else { throw WireError("no activation \(name)") }
        return activation
    }
}

extension ConvolutionShape.Padding: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) { writer.string(rawValue) }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> ConvolutionShape.Padding {
        let name = try reader.string()
        guard let padding = ConvolutionShape.Padding(rawValue: name) else { throw WireError("no padding \(name)") }
        return padding
    }
}

extension ConvolutionShape: WireValue {
    package func write(to writer: WireWriter, _ context: WireContext) {
        for n in [height, width, channels, kernel, stride] { writer.int(n) }
        padding.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> ConvolutionShape {
        let n = try (0..<5).map { _ in try reader.int() }
        let padding = try ConvolutionShape.Padding.read(from: reader, context)
        // The same conditions as the initialiser's, checked here so a bad message is an error, not a crash.
        guard n[0] > 0, n[1] > 0, n[2] > 0, n[3] > 0, n[4] > 0, n.allSatisfy({ $0 < 1 << 24 }),
            padding == .same || (n[3] <= n[0] && n[3] <= n[1])
        else { throw WireError("an impossible convolution shape \(n)") }
        return ConvolutionShape(height: n[0], width: n[1], channels: n[2], kernel: n[3], stride: n[4], padding: padding)
    }
}

// MARK: Variables

/// A variable as it travels: its id and all its state.
struct VariableRecord {
    let id: Int, value: Tensor, trainable: Bool, grad: Tensor?, name: String

    static func write(_ v: Variable, to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: v))
        v.value.write(to: writer, context)
        writer.bool(v.requiresGradient)
        v.grad.write(to: writer, context)
        writer.string(v.name)
    }

    static func read(from reader: WireReader, _ context: WireContext) throws -> VariableRecord {
        VariableRecord(
            id: try reader.int(), value: try Tensor.read(from: reader, context),
            trainable: try reader.bool(),
            grad: try Tensor?.read(from: reader, context), name: try reader.string())
    }

    /// Gives `variable` this record's state and id.
    func apply(to variable: Variable, _ context: WireContext) throws {
        if try context.object(id, as: Variable.self) == nil { context.register(variable, as: id) }
        variable.value = value
        variable.grad = grad?.shape == value.shape ? grad : nil
        variable.name = name
        variable.setTrainable(trainable)
    }

    /// The variable this record names: a known one (updated), or a new one — a leaf on the
    /// exercise's side, a node standing for the exercise's variable on the checks' side.
    func resolve(_ context: WireContext) throws -> Variable {
        if let known = try context.object(id, as: Variable.self) {
            try apply(to: known, context)
            return known
        }
        if let makeNode = context.makeNode {
            let node = makeNode(value, trainable, context.madeVariables.count)
            context.register(node, as: id)
            return node
        }
        let leaf = Variable(value, requiresGradient: trainable, name: name)
        try apply(to: leaf, context)
        return leaf
    }
}

extension Variable: WireObject {
    package func write(to writer: WireWriter, _ context: WireContext) {
        VariableRecord.write(self, to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        guard let variable = try VariableRecord.read(from: reader, context).resolve(context) as? Self else {
            throw WireError("not a variable")
        }
        return variable
    }
}

// MARK: Layers

/// A layer whose parameters travel as variable records: written with an id, its parameters
/// and the settings that fix its shape; read into the known object, or built anew.
protocol WireLayer: AnyObject, WireObject {
    associatedtype Settings
    static var parameterCount: Int { get }
    var wireParameters: [Variable] { get }
    func writeSettings(to writer: WireWriter, _ context: WireContext)
    static func readSettings(from reader: WireReader, _ context: WireContext) throws -> Settings
    /// A new layer of these settings; the parameter records are applied to it afterwards.
    static func make(_ settings: Settings, parameters: [Tensor]) throws -> Self
}

extension WireLayer {
    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        for p in wireParameters { VariableRecord.write(p, to: writer, context) }
        writeSettings(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let records = try (0..<parameterCount).map { _ in try VariableRecord.read(from: reader, context) }
        let settings = try readSettings(from: reader, context)
        let layer: Self
        if let known = try context.object(id, as: Self.self) {
            layer = known  // it keeps its own settings; its parameters take the records' state
        } else {
            layer = try make(settings, parameters: records.map(\.value))
            context.register(layer, as: id)
        }
        for (record, p) in zip(records, layer.wireParameters) { try record.apply(to: p, context) }
        return layer
    }
}

extension Dense: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [weight, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) { activation.write(to: writer, context) }
    static func readSettings(from reader: WireReader, _ context: WireContext) throws -> Activation {
        try Activation.read(from: reader, context)
    }
    static func make(_ activation: Activation, parameters p: [Tensor]) throws -> Self {
        guard p[0].rank == 2, p[1].shape == [p[0].shape[1]],
            let layer = Dense(weight: p[0], bias: p[1], activation: activation) as? Self
        else { throw WireError("a dense layer with weight \(p[0].shape) and bias \(p[1].shape)") }
        return layer
    }
}

/// The settings of a convolution layer: its geometry (the input's shape and the grid of
/// positions) and its activation.
struct ConvolutionSettings {
    let grid: ConvolutionGrid, activation: Activation

    static func write(_ grid: ConvolutionGrid, _ activation: Activation, to writer: WireWriter, _ context: WireContext)
    {
        grid.shape.write(to: writer, context)
        writer.int(grid.outputHeight)
        writer.int(grid.outputWidth)
        activation.write(to: writer, context)
    }

    static func read(from reader: WireReader, _ context: WireContext) throws -> ConvolutionSettings {
        let shape = try ConvolutionShape.read(from: reader, context)
        let (ho, wo) = (try reader.int(), try reader.int())
        // The same conditions as ConvolutionGrid's, so a bad message is an error, not a crash.
        let (k, s) = (shape.kernel, shape.stride)
        let fits =
            shape.padding == .valid
            ? (ho - 1) * s + k <= shape.height && (wo - 1) * s + k <= shape.width
            : (ho - 1) * s < shape.height + k && (wo - 1) * s < shape.width + k
        guard ho > 0, wo > 0, ho < 1 << 24, wo < 1 << 24, fits else {
            throw WireError("an impossible convolution grid \(ho)×\(wo) for \(shape)")
        }
        return ConvolutionSettings(
            grid: ConvolutionGrid(shape, outputHeight: ho, outputWidth: wo),
            activation: try Activation.read(from: reader, context))
    }
}

extension Conv2D: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [filters, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) {
        ConvolutionSettings.write(grid, activation, to: writer, context)
    }
    static func readSettings(from reader: WireReader, _ context: WireContext) throws -> ConvolutionSettings {
        try ConvolutionSettings.read(from: reader, context)
    }
    static func make(_ settings: ConvolutionSettings, parameters p: [Tensor]) throws -> Self {
        guard p[0].rank == 2, p[0].shape[0] == settings.grid.shape.patchSize, p[1].shape == [p[0].shape[1]] else {
            throw WireError("a convolution with filters \(p[0].shape) for \(settings.grid)")
        }
        var unused = SeededGenerator(seed: 0)
        guard
            let layer = Conv2D(
                settings.grid, filters: p[0].shape[1], activation: settings.activation,
                using: &unused) as? Self
        else { throw WireError("not a convolution") }
        return layer
    }
}

extension ConvTranspose2D: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [filters, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) {
        ConvolutionSettings.write(grid, activation, to: writer, context)
    }
    static func readSettings(from reader: WireReader, _ context: WireContext) throws -> ConvolutionSettings {
        try ConvolutionSettings.read(from: reader, context)
    }
    static func make(_ settings: ConvolutionSettings, parameters p: [Tensor]) throws -> Self {
        guard p[0].rank == 2, p[0].shape[0] == settings.grid.shape.patchSize,
            p[1].shape == [settings.grid.shape.channels]
        else {
            throw WireError("a transposed convolution with filters \(p[0].shape) for \(settings.grid)")
        }
        var unused = SeededGenerator(seed: 0)
        guard
            let layer = ConvTranspose2D(
                settings.grid, inputChannels: p[0].shape[1], activation: settings.activation,
                using: &unused) as? Self
        else { throw WireError("not a transposed convolution") }
        return layer
    }
}

/// A model made of other objects (layers, sequences of layers): written as its id and its
/// parts; read as the known object (whose parts took the state they carried), or built anew.
protocol WireComposite: AnyObject, WireObject {
    associatedtype Parts: WireValue
    var parts: Parts { get }
    static func make(_ parts: Parts) throws -> Self
}

extension WireComposite {
    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        parts.write(to: writer, context)
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let parts = try Parts.read(from: reader, context)
        if let known = try context.object(id, as: Self.self) { return known }
        let made = try make(parts)
        context.register(made, as: id)
        return made
    }
}

/// The layers of a `Sequential`, each of any kind: a tag, then the layer.
struct WireLayers: WireValue {
    let layers: [Layer]

    func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(layers.count)
        for layer in layers {
            switch layer {
            case let l as Dense: writer.byte(0); l.write(to: writer, context)
            case let l as Conv2D: writer.byte(1); l.write(to: writer, context)
            case let l as ConvTranspose2D: writer.byte(2); l.write(to: writer, context)
            case let l as Sequential: writer.byte(3); l.write(to: writer, context)
            default: writer.byte(255)
            }
        }
    }

    static func read(from reader: WireReader, _ context: WireContext) throws -> WireLayers {
        WireLayers(
            layers: try (0..<reader.count()).map { _ -> Layer in
                switch try reader.byte() {
                case 0: return try Dense.read(from: reader, context)
                case 1: return try Conv2D.read(from: reader, context)
                case 2: return try ConvTranspose2D.read(from: reader, context)
                case 3: return try Sequential.read(from: reader, context)
                default: throw WireError("a layer of a kind the channel does not carry")
                }
            })
    }
}

extension Sequential: WireComposite {
    var parts: WireLayers { WireLayers(layers: layers) }
    static func make(_ parts: WireLayers) throws -> Self {
        guard let made = Sequential(parts.layers) as? Self else { throw WireError("not a sequential model") }
        return made
    }
}

extension Autoencoder: WireComposite {
    var parts: Pair<Sequential, Sequential> { Pair(encoder, decoder) }
    static func make(_ parts: Pair<Sequential, Sequential>) throws -> Self {
        guard let made = Autoencoder(encoder: parts.first, decoder: parts.second) as? Self else {
            throw WireError("not an autoencoder")
        }
        return made
    }
}

extension Classifier: WireComposite {
    var parts: Pair<Sequential, Dense> { Pair(encoder, head) }
    static func make(_ parts: Pair<Sequential, Dense>) throws -> Self {
        guard let made = Classifier(encoder: parts.first, head: parts.second) as? Self else {
            throw WireError("not a classifier")
        }
        return made
    }
}

extension ConvAutoencoder: WireComposite {
    var parts: Pair<[Conv2D], [ConvTranspose2D]> { Pair(encoderLayers, decoderLayers) }
    static func make(_ parts: Pair<[Conv2D], [ConvTranspose2D]>) throws -> Self {
        guard !parts.first.isEmpty, !parts.second.isEmpty,
            let made = ConvAutoencoder(encoderLayers: parts.first, decoderLayers: parts.second) as? Self
        else { throw WireError("not a convolutional autoencoder") }
        return made
    }
}

// MARK: Optimizers and generators

/// An optimizer (SGD or Adam) with its parameters and state. Its parameters must already
/// have travelled (in the model passed before it), so they name the same variables.
package struct WireOptimizer: WireObject {
    package let optimizer: Optimizer
    package init(_ optimizer: Optimizer) { self.optimizer = optimizer }

    package func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: optimizer))
        optimizer.parameters.write(to: writer, context)
        switch optimizer {
        case let sgd as SGD:
            writer.byte(0)
            writer.float(sgd.learningRate)
            writer.float(sgd.momentum)
            sgd.velocities.write(to: writer, context)
        case let adam as Adam:
            writer.byte(1)
            for x in [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon] { writer.float(x) }
            writer.floats(adam.m)
            writer.floats(adam.v)
            writer.int(adam.t)
        default:
            writer.byte(255)
        }
    }

    package static func read(from reader: WireReader, _ context: WireContext) throws -> WireOptimizer {
        let id = try reader.int()
        let parameters = try [Variable].read(from: reader, context)
        let known = try context.object(id, as: AnyObject.self)
        switch try reader.byte() {
        case 0:
            let learningRate = try reader.float(), momentum = try reader.float()
            let velocities = try [Tensor].read(from: reader, context)
            guard velocities.map(\.shape) == parameters.map(\.value.shape) else {
                throw WireError("SGD velocities that do not fit its parameters")
            }
            let sgd = (known as? SGD) ?? SGD(parameters: parameters, learningRate: learningRate, momentum: momentum)
            (sgd.learningRate, sgd.velocities) = (learningRate, velocities)
            if known == nil { context.register(sgd, as: id) }
            return WireOptimizer(sgd)
        case 1:
            let h = try (0..<4).map { _ in try reader.float() }
            let m = try reader.floats(), v = try reader.floats(), t = try reader.int()
            let total = parameters.reduce(0) { $0 + $1.value.count }
            guard m.count == total, v.count == total, t >= 0 else {
                throw WireError("Adam moments that do not fit its parameters")
            }
            let adam =
                (known as? Adam)
                ?? Adam(parameters: parameters, learningRate: h[0], beta1: h[1], beta2: h[2], epsilon: h[3])
            (adam.learningRate, adam.m, adam.v, adam.t) = (h[0], m, v, t)
            if known == nil { context.register(adam, as: id) }
            return WireOptimizer(adam)
        default:
            throw WireError("an optimizer of a kind the channel does not carry")
        }
    }
}

/// A generator passed `inout`: its state goes in, and the advanced state comes back.
package final class WireGenerator: WireValue {
    package var generator: SeededGenerator
    package init(_ generator: SeededGenerator) { self.generator = generator }

    package func write(to writer: WireWriter, _ context: WireContext) {
        for word in generator.stateWords { writer.word(word) }
    }
    package static func read(from reader: WireReader, _ context: WireContext) throws -> WireGenerator {
        var generator = SeededGenerator(seed: 0)
        generator.stateWords = try (0..<4).map { _ in try reader.word() }
        return WireGenerator(generator)
    }
    package func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    package func readState(from reader: WireReader, _ context: WireContext) throws {
        generator = try WireGenerator.read(from: reader, context).generator
    }
}

// MARK: Closures

/// A closure the checks pass to an exercise (a spy, or the function to differentiate). It
/// stays in the checks' process: the exercise's calls come back over the channel, with the
/// objects they name, and whatever the closure changes in them goes back.
package struct WireFunction<Input: WireValue, Output: WireValue>: WireValue {
    package let body: (Input) throws -> Output
    package init(_ body: @escaping (Input) throws -> Output) { self.body = body }

    package func write(to writer: WireWriter, _ context: WireContext) {
        let id = context.callbacks.count + 1
        context.callbacks[id] = { reader, reply, context in
            let input = try Input.read(from: reader, context)
            let output = try body(input)
            output.write(to: reply, context)
            input.writeState(to: reply, context)
        }
        writer.int(id)
    }

    package static func read(from reader: WireReader, _ context: WireContext) throws -> WireFunction {
        let id = try reader.int()
        return WireFunction { input in
            guard let callBack = context.callBack else { throw WireError("no channel to call back on") }
            var output: Output?
            try callBack(id, { input.write(to: $0, context) }) { reply in
                output = try Output.read(from: reply, context)
                try input.readState(from: reply, context)
            }
            guard let output else { throw WireError("a callback without a result") }
            return output
        }
    }
}
