"""A mail catcher for machines without Docker: SMTP in (aiosmtpd), MailHog's HTTP API out.

Messages live in memory, as they do in MailHog by default. The JSON it serves has the shape of
MailHog 1.0's (github.com/mailhog/MailHog-Server api/v1.go and api/v2.go, github.com/mailhog/data
message.go), so the same tests and scripts work against this catcher and the real MailHog.
"""
