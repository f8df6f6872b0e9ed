import BlackholeCore
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ServiceLifecycle

/// OTLP/gRPC: `TraceService/Export` and `MetricsService/Export`, as OpenTelemetry SDKs' gRPC
/// exporters call them (on localhost:4317 by default). Messages stay bytes until the receiver
/// decodes them, so both transports share one path: same validation, limits and commit before ack.
struct OTLPGRPCService: RegistrableRPCService {
    let state: ServeState
    let authToken: String?
    /// How long a client has to send its request message (a slow client is cut off, as over HTTP).
    let readTimeout: Duration

    static func method(_ signal: OTLPSignal) -> MethodDescriptor {
        let service = switch signal {
        case .traces: "opentelemetry.proto.collector.trace.v1.TraceService"
        case .metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService"
        }
        return MethodDescriptor(fullyQualifiedService: service, method: "Export")
    }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for signal in OTLPSignal.allCases {
            router.registerHandler(forMethod: Self.method(signal), deserializer: RawMessage(), serializer: RawMessage()) { request, _ in
                StreamingServerResponse(single: await export(signal, request))
            }
        }
    }

    private func export(_ signal: OTLPSignal, _ request: StreamingServerRequest<Data>) async -> ServerResponse<Data> {
        let started = ContinuousClock.now
        let response = await answer(signal, request)
        let code = switch response.accepted {
        case .success: "OK"
        case .failure(let error): "\(error.code)"
        }
        state.metrics.request(transport: "grpc", endpoint: Self.method(signal).fullyQualifiedMethod, code: code, since: started)
        return response
    }

    private func answer(_ signal: OTLPSignal, _ request: StreamingServerRequest<Data>) async -> ServerResponse<Data> {
        if let authToken {
            let given = request.metadata[stringValues: "authorization"].first(where: { _ in true })
            guard BearerToken.matches(given, "Bearer " + authToken) else {
                return ServerResponse(error: RPCError(code: .unauthenticated, message: given == nil ? "missing bearer token" : "wrong bearer token"))
            }
        }
        let body: Data
        do {
            body = try await Self.single(request.messages, within: readTimeout)
        } catch let error as RPCError {
            return ServerResponse(error: error)
        } catch {
            return ServerResponse(error: RPCError(code: .invalidArgument, message: "request not read: \(BlackholeError.line(error))"))
        }
        do {
            let receipt = try await state.receiver.receive(signal, body: body, encoding: .protobuf, gzip: false)
            state.received(signal, receipt)
            return ServerResponse(message: OTLPReceiver.response(signal, receipt, encoding: .protobuf))
        } catch {
            state.refused(signal, error, transport: "grpc")
            let code: RPCError.Code = switch error {
            case .tooLarge: .resourceExhausted
            case .undecodable: .invalidArgument
            // OTLP/gRPC: UNAVAILABLE is the retryable code.
            case .overloaded, .unavailable: .unavailable
            }
            return ServerResponse(error: RPCError(code: code, message: error.message))
        }
    }
}

extension OTLPGRPCService {
    /// Export is unary: exactly one message, read whole within `timeout` (a client streaming more
    /// is refused at the second).
    static func single(_ messages: RPCAsyncSequence<Data, any Error>, within timeout: Duration) async throws -> Data {
        try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                var body: Data?
                for try await message in messages {
                    guard body == nil else { throw RPCError(code: .invalidArgument, message: "Export takes exactly one request message") }
                    body = message
                }
                guard let body else { throw RPCError(code: .invalidArgument, message: "Export takes exactly one request message") }
                return body
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let body = try await group.next() ?? nil else {
                throw RPCError(code: .deadlineExceeded, message: "request not received within \(DurationText.format(timeout.timeInterval))")
            }
            return body
        }
    }
}

/// The message bytes as they are: the receiver decodes them.
struct RawMessage: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Data {
        serializedMessageBytes.withUnsafeBytes { Data($0) }
    }
}

/// The gRPC server as a service of serve's group: graceful shutdown stops accepting RPCs and
/// lets those in flight finish.
struct GRPCService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }

    static func make(_ address: ListenAddress, state: ServeState, authToken: String?, tls: ServeTLS?,
                     readTimeout: Duration) throws -> GRPCServer<HTTP2ServerTransport.Posix> {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.rpc.maxRequestPayloadSize = state.receiver.maxBodyBytes
        config.compression.enabledAlgorithms = .all
        // The transport takes addresses, not names.
        let host = address.host == "localhost" ? "127.0.0.1" : address.host
        let socket: GRPCNIOTransportCore.SocketAddress = host.contains(":") ? .ipv6(host: host, port: address.port)
            : .ipv4(host: host, port: address.port)
        let transport = HTTP2ServerTransport.Posix(address: socket, transportSecurity: try tls?.grpcSecurity() ?? .plaintext, config: config)
        return GRPCServer(transport: transport, services: [OTLPGRPCService(state: state, authToken: authToken, readTimeout: readTimeout)])
    }
}
