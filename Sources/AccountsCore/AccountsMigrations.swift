import Storage

/// The `accounts` schema: users and their password hashes.
public enum AccountsMigrations {
    public static let schema = SchemaMigrations(
        schema: "accounts",
        migrations: [
            Migration(
                version: 1,
                name: "users",
                sql: """
                    CREATE TABLE accounts.users (
                        id uuid PRIMARY KEY,
                        email text NOT NULL,
                        email_normalized text NOT NULL UNIQUE,
                        name text NOT NULL,
                        password_hash text NOT NULL,
                        role text NOT NULL CHECK (role IN ('customer', 'admin')),
                        email_verified_at timestamptz,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    """
            )
        ]
    )
}
