import LabKit

extension Tensor: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(shape.count)
        for size in shape { writer.int(size) }
        writer.floats(scalars)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Tensor {
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
    public func write(to writer: WireWriter, _ context: WireContext) { writer.string(rawValue) }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Activation {
        let name = try reader.string()
        guard let activation = Activation(rawValue: name) else { throw WireError("no activation \(name)") }
        return activation
    }
}

extension ConvolutionShape.Padding: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) { writer.string(rawValue) }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> ConvolutionShape.Padding {
        let name = try reader.string()
        guard let padding = ConvolutionShape.Padding(rawValue: name) else { throw WireError("no padding \(name)") }
        return padding
    }
}

extension ConvolutionShape: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        for n in [height, width, channels, kernel, stride] { writer.int(n) }
        padding.write(to: writer, context)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> ConvolutionShape {
        let n = try (0..<5).map { _ in try reader.int() }
        let padding = try ConvolutionShape.Padding.read(from: reader, context)
        // The same conditions as the initialiser's, checked here so a bad message is an error, not a crash.
        guard n[0] > 0, n[1] > 0, n[2] > 0, n[3] > 0, n[4] > 0, n.allSatisfy({ $0 < 1 << 24 }),
              padding == .same || (n[3] <= n[0] && n[3] <= n[1]) else { throw WireError("an impossible convolution shape \(n)") }
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
        VariableRecord(id: try reader.int(), value: try Tensor.read(from: reader, context), trainable: try reader.bool(),
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

extension Variable: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) { VariableRecord.write(self, to: writer, context) }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        guard let variable = try VariableRecord.read(from: reader, context).resolve(context) as? Self else { throw WireError("not a variable") }
        return variable
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Variable.read(from: reader, context) }
}

// MARK: Layers

/// A layer or model whose parameters travel as variable records: written with an id, its
/// shape-defining settings and its parameters; read into the known object, or built anew.
protocol WireLayer: AnyObject, WireValue {
    var wireParameters: [Variable] { get }
    func writeSettings(to writer: WireWriter, _ context: WireContext)
    /// A new object from its settings and parameter records (the records are applied after).
    static func make(from reader: WireReader, _ context: WireContext, parameters: [VariableRecord]) throws -> Self
    static var parameterCount: Int { get }
}

extension WireLayer {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        for p in wireParameters { VariableRecord.write(p, to: writer, context) }
        writeSettings(to: writer, context)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let records = try (0..<parameterCount).map { _ in try VariableRecord.read(from: reader, context) }
        let layer: Self
        if let known = try context.object(id, as: Self.self) {
            _ = try make(from: reader, context, parameters: records)   // read past the settings; the object keeps its own
            layer = known
        } else {
            layer = try make(from: reader, context, parameters: records)
            context.register(layer, as: id)
        }
        for (record, p) in zip(records, layer.wireParameters) { try record.apply(to: p, context) }
        return layer
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

extension Dense: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [weight, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) { activation.write(to: writer, context) }
    static func make(from reader: WireReader, _ context: WireContext, parameters p: [VariableRecord]) throws -> Self {
        let activation = try Activation.read(from: reader, context)
        guard p[0].value.rank == 2, p[1].value.shape == [p[0].value.shape[1]] else {
            throw WireError("a dense layer with weight \(p[0].value.shape) and bias \(p[1].value.shape)")
        }
        guard let layer = Dense(weight: p[0].value, bias: p[1].value, activation: activation) as? Self else { throw WireError("not a dense layer") }
        return layer
    }
}

extension Conv2D: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [filters, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) {
        shape.write(to: writer, context)
        activation.write(to: writer, context)
    }
    static func make(from reader: WireReader, _ context: WireContext, parameters p: [VariableRecord]) throws -> Self {
        let shape = try ConvolutionShape.read(from: reader, context), activation = try Activation.read(from: reader, context)
        guard p[0].value.rank == 2, p[0].value.shape[0] == shape.patchSize, p[1].value.shape == [p[0].value.shape[1]] else {
            throw WireError("a convolution with filters \(p[0].value.shape) for \(shape)")
        }
        var unused = SeededGenerator(seed: 0)
        guard let layer = Conv2D(shape, filters: p[0].value.shape[1], activation: activation, using: &unused) as? Self else { throw WireError("not a convolution") }
        return layer
    }
}

extension ConvTranspose2D: WireLayer {
    static var parameterCount: Int { 2 }
    var wireParameters: [Variable] { [filters, bias] }
    func writeSettings(to writer: WireWriter, _ context: WireContext) {
        shape.write(to: writer, context)
        activation.write(to: writer, context)
    }
    static func make(from reader: WireReader, _ context: WireContext, parameters p: [VariableRecord]) throws -> Self {
        let shape = try ConvolutionShape.read(from: reader, context), activation = try Activation.read(from: reader, context)
        guard p[0].value.rank == 2, p[0].value.shape[0] == shape.patchSize, p[1].value.shape == [shape.channels] else {
            throw WireError("a transposed convolution with filters \(p[0].value.shape) for \(shape)")
        }
        var unused = SeededGenerator(seed: 0)
        guard let layer = ConvTranspose2D(shape, inputChannels: p[0].value.shape[1], activation: activation, using: &unused) as? Self
        else { throw WireError("not a transposed convolution") }
        return layer
    }
}

/// A layer of any kind in a `Sequential`: a tag, then the layer.
enum AnyWireLayer {
    static func write(_ layer: Layer, to writer: WireWriter, _ context: WireContext) {
        switch layer {
        case let l as Dense: writer.byte(0); l.write(to: writer, context)
        case let l as Conv2D: writer.byte(1); l.write(to: writer, context)
        case let l as ConvTranspose2D: writer.byte(2); l.write(to: writer, context)
        case let l as Sequential: writer.byte(3); l.write(to: writer, context)
        default: writer.byte(255)
        }
    }
    static func read(from reader: WireReader, _ context: WireContext) throws -> Layer {
        switch try reader.byte() {
        case 0: return try Dense.read(from: reader, context)
        case 1: return try Conv2D.read(from: reader, context)
        case 2: return try ConvTranspose2D.read(from: reader, context)
        case 3: return try Sequential.read(from: reader, context)
        default: throw WireError("a layer of a kind the channel does not carry")
        }
    }
}

extension Sequential: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        writer.int(layers.count)
        for layer in layers { AnyWireLayer.write(layer, to: writer, context) }
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let layers = try (0..<reader.count()).map { _ in try AnyWireLayer.read(from: reader, context) }
        if let known = try context.object(id, as: Self.self) { return known }
        guard let made = Sequential(layers) as? Self else { throw WireError("not a sequential model") }
        context.register(made, as: id)
        return made
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

extension Autoencoder: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        encoder.write(to: writer, context)
        decoder.write(to: writer, context)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let encoder = try Sequential.read(from: reader, context), decoder = try Sequential.read(from: reader, context)
        if let known = try context.object(id, as: Self.self) { return known }
        guard let made = Autoencoder(encoder: encoder, decoder: decoder) as? Self else { throw WireError("not an autoencoder") }
        context.register(made, as: id)
        return made
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

extension Classifier: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        encoder.write(to: writer, context)
        head.write(to: writer, context)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let encoder = try Sequential.read(from: reader, context), head = try Dense.read(from: reader, context)
        if let known = try context.object(id, as: Self.self) { return known }
        guard let made = Classifier(encoder: encoder, head: head) as? Self else { throw WireError("not a classifier") }
        context.register(made, as: id)
        return made
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

extension ConvAutoencoder: WireValue {
    public func write(to writer: WireWriter, _ context: WireContext) {
        writer.int(context.id(of: self))
        encoderLayers.write(to: writer, context)
        decoderLayers.write(to: writer, context)
    }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> Self {
        let id = try reader.int()
        let encoder = try [Conv2D].read(from: reader, context), decoder = try [ConvTranspose2D].read(from: reader, context)
        if let known = try context.object(id, as: Self.self) { return known }
        guard !encoder.isEmpty, !decoder.isEmpty,
              let made = ConvAutoencoder(encoderLayers: encoder, decoderLayers: decoder) as? Self else { throw WireError("not a convolutional autoencoder") }
        context.register(made, as: id)
        return made
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

// MARK: Optimizers and generators

/// An optimizer (SGD or Adam) with its parameters and state. Its parameters must already
/// have travelled (in the model passed before it), so they name the same variables.
public struct WireOptimizer: WireValue {
    public let optimizer: Optimizer
    public init(_ optimizer: Optimizer) { self.optimizer = optimizer }

    public func write(to writer: WireWriter, _ context: WireContext) {
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

    public static func read(from reader: WireReader, _ context: WireContext) throws -> WireOptimizer {
        let id = try reader.int()
        let parameters = try [Variable].read(from: reader, context)
        let known = try context.object(id, as: AnyObject.self)
        switch try reader.byte() {
        case 0:
            let learningRate = try reader.float(), momentum = try reader.float()
            let velocities = try [Tensor].read(from: reader, context)
            guard velocities.map(\.shape) == parameters.map(\.value.shape) else { throw WireError("SGD velocities that do not fit its parameters") }
            let sgd = (known as? SGD) ?? SGD(parameters: parameters, learningRate: learningRate, momentum: momentum)
            (sgd.learningRate, sgd.velocities) = (learningRate, velocities)
            if known == nil { context.register(sgd, as: id) }
            return WireOptimizer(sgd)
        case 1:
            let h = try (0..<4).map { _ in try reader.float() }
            let m = try reader.floats(), v = try reader.floats(), t = try reader.int()
            let total = parameters.reduce(0) { $0 + $1.value.count }
            guard m.count == total, v.count == total, t >= 0 else { throw WireError("Adam moments that do not fit its parameters") }
            let adam = (known as? Adam) ?? Adam(parameters: parameters, learningRate: h[0], beta1: h[1], beta2: h[2], epsilon: h[3])
            (adam.learningRate, adam.m, adam.v, adam.t) = (h[0], m, v, t)
            if known == nil { context.register(adam, as: id) }
            return WireOptimizer(adam)
        default:
            throw WireError("an optimizer of a kind the channel does not carry")
        }
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws { _ = try Self.read(from: reader, context) }
}

/// A generator passed `inout`: its state goes in, and the advanced state comes back.
public final class WireGenerator: WireValue {
    public var generator: SeededGenerator
    public init(_ generator: SeededGenerator) { self.generator = generator }

    public func write(to writer: WireWriter, _ context: WireContext) { for w in generator.stateWords { writer.word(w) } }
    public static func read(from reader: WireReader, _ context: WireContext) throws -> WireGenerator {
        var generator = SeededGenerator(seed: 0)
        generator.stateWords = try (0..<4).map { _ in try reader.word() }
        return WireGenerator(generator)
    }
    public func writeState(to writer: WireWriter, _ context: WireContext) { write(to: writer, context) }
    public func readState(from reader: WireReader, _ context: WireContext) throws {
        generator = try WireGenerator.read(from: reader, context).generator
    }
}

// MARK: Closures

/// A closure the checks pass to an exercise (a spy, or the function to differentiate). It
/// stays in the checks' process: the exercise's calls come back over the channel, with the
/// objects they name, and whatever the closure changes in them goes back.
public struct WireFunction<Input: WireValue, Output: WireValue>: WireValue {
    public let body: (Input) throws -> Output
    public init(_ body: @escaping (Input) throws -> Output) { self.body = body }

    public func write(to writer: WireWriter, _ context: WireContext) {
        let id = context.callbacks.count + 1
        context.callbacks[id] = { reader, reply, context in
            let input = try Input.read(from: reader, context)
            let output = try body(input)
            output.write(to: reply, context)
            input.writeState(to: reply, context)
        }
        writer.int(id)
    }

    public static func read(from reader: WireReader, _ context: WireContext) throws -> WireFunction {
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
