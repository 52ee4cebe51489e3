//! `habilis providers preview [DIR]`: every form of a providers folder, served read-only with
//! made-up answers, for whoever writes the TOML. Each save in the folder reloads the catalog
//! (a file watcher); a catalog that does not load shows its errors, by file and key, in the
//! page instead of stopping. The pages reload themselves when the catalog changes (a small
//! script polls `/version`; without it, reload by hand).

mod pages;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::dev::Server;
use actix_web::{App as ActixApp, HttpServer, web};
use anyhow::Context;
use notify::{RecursiveMode, Watcher};

use crate::catalog::{self, Catalog};

/// What the preview's pages read: the folder as last read (its catalog, or why it does not
/// load), and a version that moves on at each reload.
pub struct Preview {
    pub dir: PathBuf,
    pub loaded: RwLock<Result<Catalog, Vec<String>>>,
    pub version: AtomicU64,
}

impl Preview {
    fn new(dir: &Path) -> Preview {
        Preview {
            dir: dir.to_path_buf(),
            loaded: RwLock::new(load(dir)),
            version: AtomicU64::new(1),
        }
    }

    /// Reads the folder again.
    fn reload(&self) {
        let fresh = load(&self.dir);
        match self.loaded.write() {
            Ok(mut slot) => *slot = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        self.version.fetch_add(1, Ordering::SeqCst);
    }
}

/// The catalog of `dir`, or its errors as `habilis providers check` prints them.
fn load(dir: &Path) -> Result<Catalog, Vec<String>> {
    let catalog = catalog::load_dir(dir)
        .map_err(|e| e.0.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    crate::services::notify::check_provider_mails(&catalog)?;
    Ok(catalog)
}

/// The preview server, listening, with the watcher that keeps it fresh.
pub struct Running {
    pub port: u16,
    pub server: Server,
    /// Dropped with the server: watching stops.
    _watcher: notify::RecommendedWatcher,
}

/// Serves `dir` on `bind` (port 0: any free port).
pub fn start(dir: &Path, bind: &str) -> anyhow::Result<Running> {
    let preview = Arc::new(Preview::new(dir));
    let reloading = preview.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        match event {
            // Any change of the folder: files saved, added, removed, renamed.
            Ok(e) if !e.kind.is_access() => reloading.reload(),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "preview: watching the providers folder"),
        }
    })
    .context("surveillance du dossier des fournisseurs")?;
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .with_context(|| format!("surveillance de {}", dir.display()))?;
    let listener =
        TcpListener::bind(bind).with_context(|| format!("impossible d'écouter sur {bind}"))?;
    let port = listener.local_addr().context("adresse d'écoute")?.port();
    let data = web::Data::from(preview);
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(data.clone())
            .wrap(
                actix_web::middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add((
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
                    )),
            )
            .configure(pages::routes)
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(Running {
        port,
        server,
        _watcher: watcher,
    })
}
