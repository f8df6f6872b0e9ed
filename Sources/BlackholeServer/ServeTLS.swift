import BlackholeCore
import Foundation
import GRPCNIOTransportHTTP2Posix
import NIOCertificateReloading
import NIOSSL
import Synchronization

/// serve's TLS: its certificate chain and key from PEM files, read again on SIGHUP (certificates
/// rotate) and used from the next handshake on, by the HTTP and the gRPC listener alike; and,
/// for mutual TLS, the CA whose certificates clients must present.
public final class ServeTLS: CertificateReloader, Sendable {
    public let certificatePath: String
    public let keyPath: String
    public let clientCAPath: String?
    private let current: Mutex<NIOSSLContextConfigurationOverride>
    private let initial: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)

    /// Reads the files now: a certificate or key that cannot be used is one line naming the file.
    public init(certificatePath: String, keyPath: String, clientCAPath: String?) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.clientCAPath = clientCAPath
        initial = try Self.read(certificatePath: certificatePath, keyPath: keyPath)
        current = Mutex(Self.override(initial))
        if let clientCAPath { _ = try Self.certificates(clientCAPath, option: "--tls-client-ca") }
    }

    /// The PEM certificates in a file given by `option`; a file that cannot be read or holds none
    /// is one line naming both.
    public static func certificates(_ path: String, option: String) throws -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else { throw BlackholeError(.usage, "\(option) \(path): cannot read it") }
        guard let chain = try? NIOSSLCertificate.fromPEMFile(path), !chain.isEmpty else {
            throw BlackholeError(.usage, "\(option) \(path): not a readable PEM certificate")
        }
        return chain
    }

    public var sslContextConfigurationOverride: NIOSSLContextConfigurationOverride { current.withLock { $0 } }

    /// Reads the files again; the new certificate serves the next handshakes. On a failure the
    /// one in use stays, and the failure is thrown for the log.
    public func reload() throws {
        let fresh = try Self.read(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = Self.override(fresh) }
    }

    /// The HTTP listener's configuration.
    func httpConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: initial.chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(initial.key))
        configuration.setCertificateReloader(self)
        if let clientCAPath {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(clientCAPath)
        }
        return configuration
    }

    /// The gRPC listener's.
    func grpcSecurity() throws -> HTTP2ServerTransport.Posix.TransportSecurity {
        try .tls(certificateReloader: self) { config in
            if let clientCAPath {
                config.clientCertificateVerification = .noHostnameVerification
                config.trustRoots = .certificates([.file(path: clientCAPath, format: .pem)])
            }
        }
    }

    private static func override(_ loaded: (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)) -> NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = loaded.chain.map { .certificate($0) }
        override.privateKey = .privateKey(loaded.key)
        return override
    }

    private static func read(certificatePath: String, keyPath: String) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain = try certificates(certificatePath, option: "--tls-cert")
        guard FileManager.default.isReadableFile(atPath: keyPath) else { throw BlackholeError(.usage, "--tls-key \(keyPath): cannot read it") }
        guard let key = try? NIOSSLPrivateKey(file: keyPath, format: .pem) else {
            throw BlackholeError(.usage, "--tls-key \(keyPath): not a PEM private key")
        }
        // A key of another certificate would fail every handshake: say so now.
        do {
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                          privateKey: .privateKey(key)))
        } catch {
            throw BlackholeError(.usage, "--tls-key \(keyPath): not the key of the certificate in \(certificatePath)")
        }
        return (chain, key)
    }
}
