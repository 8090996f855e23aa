import Configuration
import Logging

/// Sets up the process's logging once, at start: `LOG_LEVEL` (default info) and
/// `LOG_FORMAT` (`json` for machines, `text` for people; default json).
public enum LoggingSetup {
    /// Bootstraps swift-log and returns the process's root logger.
    public static func bootstrap(service: String, config: ConfigReader) -> Logger {
        let levelText = config.string(forKey: "log.level", default: "info")
        let level = Logger.Level(rawValue: levelText.lowercased()) ?? .info
        let format = config.string(forKey: "log.format", default: "json")
        LoggingSystem.bootstrap { label in
            if format == "text" {
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            return JSONLogHandler(label: label, level: level)
        }
        var logger = Logger(label: service)
        logger.logLevel = level
        if Logger.Level(rawValue: levelText.lowercased()) == nil {
            logger.warning("unknown LOG_LEVEL, using info", metadata: ["value": "\(levelText)"])
        }
        return logger
    }
}
