import Foundation
import Testing
import TestSupport

/// `serve` over TLS, with certificates openssl makes for the test: the OpenTelemetry SDK exports
/// over HTTPS and over gRPC with TLS, a client that does not trust the certificate gets no
/// answer, mutual TLS refuses a client without a certificate, SIGHUP swaps the certificate.
@Suite(.serialized) struct ServeTLSCLITests {
    let cli = CLI()

    func export(_ protocolName: String, _ endpoint: String, _ options: [String] = []) throws -> CLI.Result {
        try CLI.program(["python3", Fixtures.path("otel_export.py"), "--protocol", protocolName, "--endpoint", endpoint, "--timeout", "5"]
                        + options)
    }

    /// curl's exit status and body for GET `url` (curl 60: the certificate is not trusted;
    /// 35 or 56: the server refused the handshake).
    func curl(_ url: String, _ options: [String]) throws -> CLI.Result {
        try CLI.program(["curl", "-sS", "--max-time", "5", url] + options)
    }

    @Test func theSDKExportsOverHTTPSAndGRPCWithTLSAndAnUntrustingClientIsRefused() throws {
        defer { cli.cleanUp() }
        let (cert, key, ca) = try cli.certificate("node")
        let serving = try ServeCLITests.Serving(cli, ["--no-check", "--tls-cert", cert, "--tls-key", key])
        defer { _ = serving.stop() }
        for (protocolName, endpoint) in [("http", "https://" + serving.http), ("grpc", "https://" + serving.grpc!)] {
            let sent = try export(protocolName, endpoint, ["--ca", ca])
            #expect(sent.status == 0, "\(protocolName): \(sent.stderr)")
            let traceID = try #require((try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])?["trace_id"] as? String)
            let stored = try cli.run("telemetry", "trace", traceID, "--json")
            #expect((stored.json["spans"] as? [Any])?.count == 3, "\(protocolName): \(stored.stderr)")
            // Without the certificate, the SDK's own checks refuse the server.
            let untrusting = try export(protocolName, endpoint)
            #expect(untrusting.status != 0, "\(protocolName) without trusting the certificate")
            if protocolName == "http" { #expect(untrusting.stderr.contains("CERTIFICATE_VERIFY_FAILED"), "\(untrusting.stderr)") }
        }
        #expect(try curl("https://\(serving.http)/health", []).status == 60)
        #expect(try curl("http://\(serving.http)/health", []).status == 52, "no plaintext on a TLS listener: an empty reply")
        let health = try curl("https://\(serving.http)/health", ["--cacert", ca])
        #expect(health.status == 0 && health.stdout.contains("\"status\""), "\(health.stdout)\(health.stderr)")
    }

    @Test func mutualTLSRefusesAClientWithoutItsCertificateAndSIGHUPSwapsTheCertificate() throws {
        defer { cli.cleanUp() }
        let (cert, key, ca) = try cli.certificate("node")
        let (clientCert, clientKey, clientCA) = try cli.certificate("client")
        // From the config this time, as the installed service reads them.
        let config = cli.write("config.yaml", "serve: { tls_cert: \"\(cert)\", tls_key: \"\(key)\", tls_client_ca: \"\(clientCA)\" }\n")
        let serving = try ServeCLITests.Serving(cli, ["--no-check", "--config", config])
        defer { _ = serving.stop() }
        let url = "https://\(serving.http)/health"
        let anonymous = try curl(url, ["--cacert", ca])
        #expect(anonymous.status == 56 && anonymous.stderr.contains("certificate required"), "no client certificate: refused: \(anonymous.stderr)")
        #expect(try curl(url, ["--cacert", ca, "--cert", clientCert, "--key", clientKey]).status == 0)
        let grpc = try export("grpc", "https://" + serving.grpc!, ["--ca", ca, "--client-cert", clientCert, "--client-key", clientKey])
        #expect(grpc.status == 0, "\(grpc.stderr)")

        // A new certificate in the same files, and SIGHUP: new connections get it.
        let (newCert, newKey, newCA) = try cli.certificate("renewed")
        try FileManager.default.removeItem(atPath: cert)
        try FileManager.default.copyItem(atPath: newCert, toPath: cert)
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.copyItem(atPath: newKey, toPath: key)
        kill(serving.process.processIdentifier, SIGHUP)
        var renewed = false
        for _ in 0..<50 where !renewed {
            renewed = try curl(url, ["--cacert", newCA, "--cert", clientCert, "--key", clientKey]).status == 0
            if !renewed { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(renewed, "the renewed certificate serves after SIGHUP")
        #expect(serving.process.isRunning)
        let stopped = serving.stop()
        #expect(stopped.status == 0 && stopped.stderr.contains("SIGHUP: certificate reloaded"), "\(stopped.stderr)")
    }

    @Test func forwardingToAnHTTPSCollectorTrustsTheCAItIsGiven() throws {
        defer { cli.cleanUp() }
        let (cert, key, ca) = try cli.certificate("collector")
        let upstream = try ServeCLITests.Serving(cli, ["--no-check", "--no-grpc", "--db", cli.path("upstream.db"), "--tls-cert", cert, "--tls-key", key])
        defer { _ = upstream.stop() }
        let serving = try ServeCLITests.Serving(cli, ["--no-check", "--no-grpc", "--forward-otlp", "https://" + upstream.http, "--forward-ca", ca])
        defer { _ = serving.stop() }
        let sent = try export("http", "http://" + serving.http)
        #expect(sent.status == 0, "\(sent.stderr)")
        let traceID = try #require((try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])?["trace_id"] as? String)
        var forwarded = 0
        for _ in 0..<50 where forwarded != 3 {
            forwarded = (try cli.run("telemetry", "trace", traceID, "--db", cli.path("upstream.db"), "--json").json["spans"] as? [Any])?.count ?? 0
            if forwarded != 3 { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(forwarded == 3, "the Collector stand-in over HTTPS got the trace")
        expectOneLineError(try cli.run("telemetry", "serve", "--listen", "127.0.0.1:0", "--no-grpc", "--forward-otlp", "https://" + upstream.http,
                                       "--forward-ca", key), containing: "--forward-ca \(key): not a readable PEM certificate")
    }

    @Test func badTLSSettingsAreOneLine() throws {
        defer { cli.cleanUp() }
        let (cert, key, _) = try cli.certificate("node")
        let (otherCert, _, _) = try cli.certificate("other")
        func serve(_ arguments: String...) throws -> CLI.Result {
            try cli.run(["telemetry", "serve", "--listen", "127.0.0.1:0", "--no-grpc", "--no-check"] + arguments)
        }
        expectOneLineError(try serve("--tls-cert", cert), containing: "--tls-cert and --tls-key go together")
        expectOneLineError(try serve("--tls-cert", cli.path("nope.pem"), "--tls-key", key), containing: "--tls-cert \(cli.path("nope.pem")): cannot read it")
        expectOneLineError(try serve("--tls-cert", key, "--tls-key", key), containing: "--tls-cert \(key): ")
        expectOneLineError(try serve("--tls-cert", otherCert, "--tls-key", key), containing: "not the key of the certificate in \(otherCert)")
        expectOneLineError(try cli.run("telemetry", "serve", "--listen", "0.0.0.0:0", "--no-grpc", "--auth-token", "t"),
                           containing: "listening on 0.0.0.0:0 with a token needs TLS (--tls-cert and --tls-key)")
    }
}
