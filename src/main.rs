//! The `habilis` command: serve the portal (default), migrate, seed, check providers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

mod cli;
use cli::{
    AccessReviewCommand, AuditCommand, Cli, Command, ProvidersCommand, RolesCommand, TokensCommand,
    WebhooksCommand,
};

use habilis::config::Settings;
use habilis::startup::{Application, prepare};
use habilis::{catalog, db, services, telemetry};

/// Waits for SIGINT or SIGTERM (what `docker stop` and systemd send).
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

/// At most two malloc arenas (glibc makes up to eight per core, one per thread that
/// allocates at once): each blocking thread running SQLite kept an arena of its own, and the
/// server's peak memory under load went from 114 MB to 84 MB with two, for the same CPU.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; called first thing in main.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

#[actix_web::main]
async fn main() -> ExitCode {
    limit_malloc_arenas();
    telemetry::init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur : {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        // Checking provider files needs no other setting (no database, no session key).
        Command::Providers {
            command: ProvidersCommand::Preview { dir, bind },
        } => {
            let dir = dir
                .or_else(|| std::env::var_os("HABILIS_PROVIDERS_DIR").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("providers"));
            let running = habilis::preview::start(&dir, &bind)?;
            let host = bind.rsplit_once(':').map_or(bind.as_str(), |(h, _)| h);
            println!(
                "aperçu de {} sur http://{host}:{} (Ctrl+C pour arrêter)",
                dir.display(),
                running.port
            );
            running.server.await?;
            Ok(())
        }
        Command::Providers {
            command: ProvidersCommand::Check { dir },
        } => {
            let dir = dir
                .or_else(|| std::env::var_os("HABILIS_PROVIDERS_DIR").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("providers"));
            let catalog = catalog::load_dir(&dir).map_err(|e| anyhow::anyhow!("{e}"))?;
            habilis::services::notify::check_provider_mails(&catalog)
                .map_err(|e| anyhow::anyhow!("{}", e.join("\n")))?;
            println!(
                "{} fournisseur(s) valide(s) dans {}",
                catalog.all().len(),
                dir.display()
            );
            Ok(())
        }
        command => run_with_settings(command, Settings::load()?).await,
    }
}

async fn run_with_settings(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            if settings.seed_demo {
                // The demo's procedure in stages (a validated sandbox, its production in
                // progress); the tests' databases start without them.
                let (catalog, db) = prepare(&settings)?;
                let mut conn = db.get()?;
                services::seed::seed_procedure(&mut conn, &catalog)
                    .map_err(|e| e.context("demandes de démonstration"))?;
                // A habilitation granted narrower than asked, shared with a team.
                services::seed::seed_sharing(&mut conn, &catalog)
                    .map_err(|e| e.context("équipe de démonstration"))?;
            }
            tracing::info!(
                env = settings.env.as_str(),
                "habilis listening on http://{}",
                settings.bind
            );
            app.run_until_stopped().await?;
        }
        Command::Worker => {
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let app = std::sync::Arc::new(services::App::new(db, catalog, settings)?);
            let background = habilis::startup::start_background(app)?;
            tracing::info!("habilis worker running");
            stopped().await?;
            // The row in hand is finished (or released), then the worker stops.
            background.stop().await;
        }
        Command::Backup { file } => {
            let db = db::Db::connect(settings.database_url(), 1)?;
            let size = db::backup::write(&db, settings.database_url(), &file)?;
            println!("sauvegarde écrite : {} ({size} octets)", file.display());
        }
        Command::Migrate => {
            db::Db::connect(settings.database_url(), 1)?.migrate()?;
            println!("migrations appliquées");
        }
        Command::Seed { demo, demandes } => {
            if !demo && demandes.is_none() {
                anyhow::bail!("précisez ce qu'il faut créer : --demo et/ou --demandes N");
            }
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let mut conn = db.get()?;
            if demo {
                services::seed::seed_demo(&mut conn, &catalog)?;
                services::seed::seed_procedure(&mut conn, &catalog)?;
                services::seed::seed_sharing(&mut conn, &catalog)?;
                println!("comptes de démonstration créés");
            }
            if let Some(n) = demandes {
                let started = std::time::Instant::now();
                let done = services::seed::seed_demandes_counted(&mut conn, &catalog, n)?;
                println!(
                    "{} demandes créées en {:.1} s ({} événements, {} messages, {} lectures, {} habilitations)",
                    done.demandes,
                    started.elapsed().as_secs_f64(),
                    done.activity.events,
                    done.activity.messages,
                    done.activity.reads,
                    done.habilitations
                );
            }
        }
        Command::Roles { command } => {
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let app = services::App::new(db, catalog, settings)?;
            let who = services::roles::Who::Cli;
            use services::roles::{Change, Typed};
            let (email, provider, role, change, word) = match &command {
                RolesCommand::Grant {
                    email,
                    provider,
                    role,
                } => (email, provider, role, Change::Grant, "attribué"),
                RolesCommand::Revoke {
                    email,
                    provider,
                    role,
                } => (email, provider, role, Change::Revoke, "retiré"),
            };
            let typed = Typed {
                email,
                provider,
                role,
            };
            let done = services::roles::change(&app, who, typed, change)
                .await
                .map(|()| word);
            match done {
                Ok(word) => println!("rôle {word}"),
                Err(habilis::error::AppError::Unprocessable(message)) => anyhow::bail!(message),
                Err(habilis::error::AppError::Internal(e)) => return Err(e),
                Err(e) => anyhow::bail!("{e}"),
            }
        }
        Command::Webhooks {
            command: WebhooksCommand::Test { provider },
        } => {
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let app = services::App::new(db, catalog, settings)?;
            let sent = services::webhooks::send_test(&app, &provider).await?;
            let status = sent
                .status
                .map_or("pas de réponse".to_string(), |s| s.to_string());
            println!("{} → {status}\n{}", sent.url, sent.response);
            if !sent.status.is_some_and(|s| (200..300).contains(&s)) {
                anyhow::bail!("le webhook n'a pas répondu 2xx");
            }
        }
        Command::AccessReview {
            command: AccessReviewCommand::Start,
        } => {
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let app = std::sync::Arc::new(services::App::new(db, catalog, settings)?);
            let started =
                services::access_review::start(app, services::audit::CLI, services::now()).await?;
            println!(
                "revue des accès n° {} commencée : {} rôle(s) à revoir par {} personne(s) avant le {}",
                started.id,
                started.items,
                started.reviewers,
                started.deadline.format("%d/%m/%Y")
            );
        }
        Command::Tokens { command } => {
            let settings = Settings {
                seed_demo: false,
                ..settings
            };
            let (catalog, db) = prepare(&settings)?;
            let app = services::App::new(db, catalog, settings)?;
            match command {
                TokensCommand::Create {
                    provider,
                    name,
                    scopes,
                } => {
                    use habilis::domain::api_scope::{ApiScope, DEFAULT};
                    let mut chosen = Vec::new();
                    for raw in &scopes {
                        chosen.push(raw.parse::<ApiScope>().map_err(|_| {
                            anyhow::anyhow!(
                                "portée inconnue « {raw} » (attendues : habilitations:read, demandes:read, agents:read)"
                            )
                        })?);
                    }
                    if chosen.is_empty() {
                        chosen = DEFAULT.to_vec();
                    }
                    let (id, token) =
                        services::api::create_token(&app, &provider, &name, &chosen).await?;
                    println!("jeton n° {id} pour {provider} (affiché une seule fois) :\n{token}");
                }
                TokensCommand::Revoke { id } => {
                    if !services::api::revoke_token(&app, id).await? {
                        anyhow::bail!("aucun jeton actif n° {id}");
                    }
                    println!("jeton n° {id} révoqué");
                }
            }
        }
        Command::Providers { .. } => {}
        Command::Audit {
            command: AuditCommand::Verify { expect_head },
        } => {
            use db::audit::{Head, Verdict};
            use secrecy::ExposeSecret;
            let expect = match expect_head.as_deref() {
                None => None,
                Some(raw) => Some(Head::parse(raw).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--expect-head : « NOMBRE:EMPREINTE » attendu, tel que verify l'affiche"
                    )
                })?),
            };
            let db = db::Db::connect(settings.database_url(), 1)?;
            let mut conn = db.get()?;
            let key = settings.audit_key.expose_secret().as_bytes();
            match db::audit::verify(&mut conn, key, expect.as_ref())? {
                Verdict::Intact(head) => {
                    println!("journal d'audit intègre : {} entrée(s)", head.count);
                    println!("tête : {head}");
                }
                Verdict::Altered { id } => {
                    anyhow::bail!("journal d'audit altéré à partir de l'entrée {id}")
                }
                Verdict::Truncated { expected, found } => anyhow::bail!(
                    "journal d'audit tronqué : la tête attendue compte {expected} entrée(s), il n'en reste que {found}"
                ),
                Verdict::Diverged { count } => anyhow::bail!(
                    "journal d'audit réécrit : l'entrée n° {count} n'a plus l'empreinte de la tête attendue"
                ),
            }
        }
    }
    Ok(())
}
