//! The `habilis` command line: its commands and their arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "habilis",
    version,
    about = "Portail d'habilitation aux données protégées"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply the database migrations and stop.
    Migrate,
    /// Copy the database to FILE while the portal runs: SQLite's online backup, or pg_dump's
    /// custom format on PostgreSQL (restore with pg_restore). Attached files are not in it.
    Backup { file: PathBuf },
    /// Deliver the outbox, send reminders and weekly digests, without serving pages (to run apart or several times).
    Worker,
    /// Fill the database.
    Seed {
        /// Demo accounts: applicants of a town hall, instructors, reporters, subscribers, an admin.
        #[arg(long)]
        demo: bool,
        /// N synthetic demandes over every provider and state (for the dashboard benchmark).
        #[arg(long, value_name = "N")]
        demandes: Option<usize>,
    },
    /// Work on provider files.
    Providers {
        #[command(subcommand)]
        command: ProvidersCommand,
    },
    /// Grant or remove a role (written to the audit log).
    Roles {
        #[command(subcommand)]
        command: RolesCommand,
    },
    /// Tokens of providers' systems for the rights API.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Work on webhooks.
    Webhooks {
        #[command(subcommand)]
        command: WebhooksCommand,
    },
    /// Review everyone's roles: each provider's managers confirm or remove its role holders.
    AccessReview {
        #[command(subcommand)]
        command: AccessReviewCommand,
    },
    /// Work on the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
pub enum RolesCommand {
    /// Give ROLE (subscriber, reporter, instructor, manager) for a provider to the person with EMAIL.
    Grant {
        email: String,
        #[arg(long)]
        provider: String,
        #[arg(long)]
        role: String,
    },
    /// Remove that role.
    Revoke {
        email: String,
        #[arg(long)]
        provider: String,
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Create a token for a provider; it is printed once and only its hash is kept.
    Create {
        #[arg(long)]
        provider: String,
        #[arg(long)]
        name: String,
        /// What it may read, repeatable: habilitations:read, demandes:read, agents:read
        /// (default: habilitations:read and demandes:read).
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    /// Revoke a token by its number.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Send a signed test payload to a provider's webhook and print the answer.
    Test {
        #[arg(long)]
        provider: String,
    },
}

#[derive(Subcommand)]
pub enum AccessReviewCommand {
    /// Start a campaign now (access_review.days to its deadline); reviewers are emailed.
    Start,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute the chain with HABILIS_AUDIT_KEY; exits non-zero at the first row that was
    /// altered. Prints the head (row count and last hash) to record somewhere else.
    Verify {
        /// A head printed by an earlier verify (COUNT:HASH): fails when it is no longer in the
        /// chain, e.g. the newest rows were deleted.
        #[arg(long, value_name = "COUNT:HASH")]
        expect_head: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ProvidersCommand {
    /// Check every provider file of a directory (default: HABILIS_PROVIDERS_DIR or providers/).
    Check { dir: Option<PathBuf> },
    /// Serve every form of a directory read-only, with made-up answers, reloaded on each
    /// save (default: HABILIS_PROVIDERS_DIR or providers/).
    Preview {
        dir: Option<PathBuf>,
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: String,
    },
}
