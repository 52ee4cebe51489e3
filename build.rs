//! Tells the OpenID Connect tests whether they can run: they start a real OpenID provider with
//! Node.js. Without Node they are marked ignored (`cfg(habilis_no_node)`), so `cargo test`
//! reports them as not run instead of passed; with HABILIS_REQUIRE_NODE set (CI) they are never
//! ignored, and fail if Node is missing. The same for the browser tests, which also need
//! Chromium (`cfg(habilis_no_browser)`, HABILIS_REQUIRE_BROWSER). Nothing else in the crate
//! reads these cfgs. The tests that need PostgreSQL are ignored when HABILIS_TEST_DATABASE_URL
//! is not set (`cfg(habilis_no_postgres)`); those that need moto's S3 server or clamd when
//! these are absent (`cfg(habilis_no_moto)`, `cfg(habilis_no_clamd)`; CI requires them with
//! HABILIS_REQUIRE_S3 and HABILIS_REQUIRE_CLAMD). It also rebuilds the crate when a migration is
//! added or changed.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(habilis_no_node)");
    println!("cargo::rustc-check-cfg=cfg(habilis_no_browser)");
    println!("cargo::rustc-check-cfg=cfg(habilis_no_postgres)");
    println!("cargo::rustc-check-cfg=cfg(habilis_no_moto)");
    println!("cargo::rustc-check-cfg=cfg(habilis_no_clamd)");
    // The file-store tests start moto's S3 server (PyPI) and Debian's clamd: ignored with
    // their reason when absent, never when CI requires them.
    for (cfg, required, var, default) in [
        (
            "habilis_no_moto",
            "HABILIS_REQUIRE_S3",
            "HABILIS_MOTO_SERVER",
            "tests/s3/.venv/bin/moto_server",
        ),
        (
            "habilis_no_clamd",
            "HABILIS_REQUIRE_CLAMD",
            "HABILIS_CLAMD_BIN",
            "/usr/sbin/clamd",
        ),
    ] {
        println!("cargo::rerun-if-env-changed={required}");
        println!("cargo::rerun-if-env-changed={var}");
        let path = std::env::var_os(var).unwrap_or_else(|| default.into());
        let path = std::path::Path::new(&path);
        if let Some(dir) = path.parent() {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
        if !path.exists() && std::env::var_os(required).is_none() {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
    // Tests of what only PostgreSQL can do (drop a connection) are ignored on SQLite runs.
    println!("cargo::rerun-if-env-changed=HABILIS_TEST_DATABASE_URL");
    if std::env::var_os("HABILIS_TEST_DATABASE_URL").is_none_or(|v| v.is_empty()) {
        println!("cargo::rustc-cfg=habilis_no_postgres");
    }
    println!("cargo::rerun-if-changed=build.rs");
    // The migrations are compiled in (diesel's embed_migrations!): a new one must rebuild.
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-env-changed=HABILIS_REQUIRE_NODE");
    println!("cargo::rerun-if-env-changed=HABILIS_REQUIRE_BROWSER");
    println!("cargo::rerun-if-env-changed=HABILIS_CHROMIUM");
    println!("cargo::rerun-if-env-changed=PATH");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let chromium =
        std::env::var_os("HABILIS_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
    println!(
        "cargo::rerun-if-changed={}",
        std::path::Path::new(&chromium).display()
    );
    let browser = node && std::path::Path::new(&chromium).exists();
    if !browser && std::env::var_os("HABILIS_REQUIRE_BROWSER").is_none() {
        println!("cargo::rustc-cfg=habilis_no_browser");
        // A package installs Chromium with its own, older date, which cargo takes for
        // unchanged: watch its directory, whose date the install moves.
        if let Some(dir) = std::path::Path::new(&chromium).parent() {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
    }
    if node || std::env::var_os("HABILIS_REQUIRE_NODE").is_some() {
        return;
    }
    println!("cargo::rustc-cfg=habilis_no_node");
    // Installing Node later adds it to a directory of PATH: look again then.
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path).filter(|d| d.is_dir()) {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
    }
}
