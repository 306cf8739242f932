import Foundation
import PostgresNIO

extension ConnectionSettings {
    /// What libpq's sslmode asks of TLS, in postgres-nio's terms. postgres-nio has no "try
    /// without TLS first": `allow` connects without TLS (as libpq's does to a server that
    /// accepts it). `prefer` and `require` encrypt without checking the certificate, as libpq
    /// does without a root certificate; `verify-ca` checks it against the root certificates,
    /// `verify-full` the host name too.
    public var tls: TLSPolicy {
        switch sslMode {
        case .disable, .allow: return TLSPolicy(mode: .disable, verification: .none)
        case .prefer: return TLSPolicy(mode: .prefer, verification: .none)
        case .require: return TLSPolicy(mode: .require, verification: .none)
        case .verifyCA: return TLSPolicy(mode: .require, verification: .certificate)
        case .verifyFull: return TLSPolicy(mode: .require, verification: .certificateAndHost)
        }
    }

    public struct TLSPolicy: Equatable, Sendable {
        public enum Mode: Sendable { case disable, prefer, require }
        /// What is checked of the server's certificate: nothing, that a trusted root signed it,
        /// or that and that it names the host.
        public enum Verification: Sendable { case none, certificate, certificateAndHost }
        public var mode: Mode
        public var verification: Verification
    }

    /// The root certificates verify-ca and verify-full check the server's against.
    func rootCertificates(home: String) -> String {
        sslRootCert ?? home + "/.postgresql/root.crt"
    }

    /// postgres-nio's configuration for these settings.
    func configuration(home: String) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls.mode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var c = TLSConfiguration.makeClientConfiguration()
            switch self.tls.verification {
            case .none: c.certificateVerification = .none
            case .certificate: c.certificateVerification = .noHostnameVerification
            case .certificateAndHost: c.certificateVerification = .fullVerification
            }
            if self.tls.verification != .none {
                let roots = rootCertificates(home: home)
                guard FileManager.default.fileExists(atPath: roots) else {
                    throw Problem(message: "sslmode \(sslMode.rawValue) needs the server's root certificate, and \(roots) does not exist (set sslrootcert or PGSSLROOTCERT)")
                }
                c.trustRoots = .file(roots)
            }
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: c)
            } catch {
                throw Problem(message: "cannot set up TLS: \(error)")
            }
            tls = self.tls.mode == .prefer ? .prefer(context) : .require(context)
        }
        var config: PostgresConnection.Configuration
        if let host {
            // The name verify-full checks is postgres-nio's own choice: the host, or for an IP
            // address (which SNI cannot carry) none, and the certificate is checked against the
            // address (naming it failed every verify-full connection to an IP address).
            config = .init(host: host, port: port, username: user, password: password?.value, database: database, tls: tls)
        } else {
            let socket = (socketDirectory ?? ConnectionSettings.defaultSocketDirectory) + "/.s.PGSQL.\(port)"
            config = .init(unixSocketPath: socket, username: user, password: password?.value, database: database)
        }
        return config
    }
}
