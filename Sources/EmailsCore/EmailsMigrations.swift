import Storage

/// The `emails` schema: the log of every email, one row per idempotency key.
public enum EmailsMigrations {
    public static let schema = SchemaMigrations(
        schema: "emails",
        migrations: [
            Migration(
                version: 1,
                name: "email log",
                sql: """
                    CREATE TABLE emails.email_log (
                        id uuid PRIMARY KEY,
                        idempotency_key text NOT NULL UNIQUE,
                        recipient text NOT NULL,
                        template text NOT NULL,
                        subject text NOT NULL,
                        message_id text NOT NULL,
                        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
                        attempts integer NOT NULL DEFAULT 1,
                        last_error text,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        sent_at timestamptz
                    );
                    CREATE INDEX email_log_recipient ON emails.email_log (recipient, created_at DESC);
                    """
            ),
            Migration(
                version: 2,
                name: "email log lookups by recipient in any case, and by status",
                sql: """
                    CREATE INDEX email_log_recipient_lower ON emails.email_log (lower(recipient), created_at DESC);
                    CREATE INDEX email_log_status ON emails.email_log (status, created_at DESC);
                    """
            ),
            Migration(
                version: 3,
                name: "email log: when the attempt holding an email began",
                // NULL on the rows of older attempts: any new attempt may take them over.
                sql: "ALTER TABLE emails.email_log ADD COLUMN attempt_started_at timestamptz;"
            ),
        ]
    )
}
