import ArgumentParser

/// The operator's command line: schema migrations and seeding (queue and dead-letter tools
/// join it as the worker runtime grows).
@main
struct Shopctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopctl",
        abstract: "Operate the shop: migrate schemas, seed data.",
        discussion: "Settings come from the environment, like every shop process (see .env.example).",
        subcommands: [MigrateCommand.self, SeedCommand.self]
    )
}
