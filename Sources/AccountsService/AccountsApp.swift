import AccountsCore
import Contracts
import Messaging
import NIOPosix
import ServiceKit
import Storage

/// The accounts service: users, passwords, email verification, login sessions and access
/// tokens. Owns the `accounts` schema and the `accounts:` Redis keys.
@main
struct AccountsApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "accounts")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let resources = bootstrap.resources()
            let database = try resources.database()
            let redis = try resources.redis()
            let amqp = try resources.amqp(connectionName: "accounts")
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let emailQueue = try queues.policy(for: QueueName.sendEmail.rawValue)
            let tokens = try await AccessTokens(config: config)
            let cost = try config.integer("bcrypt.cost", default: 12, in: 4...31)
            let sessionSeconds = try config.integer("session.ttlSeconds", default: 30 * 86_400, in: 60...365 * 86_400)
            let hashing = NIOThreadPool(numberOfThreads: 2)
            hashing.start()

            let users = UserRepository(database: database)
            let verifications = EmailVerificationRepository(database: database)
            let sessions = SessionStore(redis: redis, lifetime: .seconds(sessionSeconds))
            let hasher = PasswordHasher(cost: cost, threadPool: hashing)
            let auth = AuthController(
                users: users,
                verifications: verifications,
                sessions: sessions,
                hasher: hasher,
                tokens: tokens,
                loginThrottle: LoginThrottle(redis: redis),
                resendCooldown: Cooldown(redis: redis, name: "resend-verification", interval: .seconds(60)),
                emails: AccountEmails(
                    publisher: MessagePublisher(connection: amqp),
                    verifications: verifications,
                    verifyURL: config.string(forKey: "email.verifyUrl", default: "http://localhost:3000/verify-email")
                ),
                trustedProxies: try TrustedProxies(config: config)
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            auth.addRoutes(to: router)
            UsersController(users: users, sessions: sessions, hasher: hasher).addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4001,
                services: resources.services,
                beforeServing: {
                    try await Migrator(database: database).migrate(AccountsMigrations.schema)
                    try await amqp.declare(emailQueue.declarations)
                }
            )
        }
    }
}
