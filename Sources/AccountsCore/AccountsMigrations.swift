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
            ),
            Migration(
                version: 2,
                name: "soft delete and email verification tokens",
                sql: """
                    ALTER TABLE accounts.users ADD COLUMN deleted_at timestamptz;
                    CREATE TABLE accounts.email_verifications (
                        token_hash text PRIMARY KEY,
                        user_id uuid NOT NULL REFERENCES accounts.users (id) ON DELETE CASCADE,
                        expires_at timestamptz NOT NULL,
                        used_at timestamptz,
                        created_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE INDEX email_verifications_user ON accounts.email_verifications (user_id);
                    """
            ),
        ]
    )
}
