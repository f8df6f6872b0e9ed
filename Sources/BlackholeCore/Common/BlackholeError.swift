import Foundation

/// The one error type that reaches the operator: a single line saying what went wrong and where.
///
/// Lower layers throw whatever they throw; the edges (store, config loader, `/proc` readers)
/// translate into this, so the CLI never prints a stack trace or a type name.
public struct BlackholeError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Bad input from the user: a flag, an argument, a file's content.
        case usage
        /// The configuration file is unreadable or invalid.
        case config
        /// The database cannot be opened, migrated or written.
        case database
        /// Anything the environment refused (a `/proc` file, a socket, a path).
        case environment
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Any error as one line: a BlackholeError's message, anything else's description.
    public static func line(_ error: any Error) -> String {
        let text = (error as? BlackholeError)?.message ?? "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

enum FileErrors {
    /// The operating system's reason, without Foundation's wrapping sentence.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        // Foundation's reading of a file on Linux says only "The file doesn't exist".
        switch (error as? CocoaError)?.code {
        case .fileReadNoSuchFile?, .fileNoSuchFile?: return String(cString: strerror(ENOENT))
        case .fileReadNoPermission?: return String(cString: strerror(EACCES))
        default: return nsError.localizedDescription
        }
    }
}
