//! Start-up cost with many providers: loading and checking 100 provider files, and the whole
//! preparation `habilis serve` does before listening (catalog, SQLite open, migrations, demo seed).
//!
//! Run: `cargo bench --bench startup`. Prints figures; asserts nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use habilis::catalog;
use habilis::config::{Settings, random_key};
use habilis::startup::prepare;

const PROVIDERS: usize = 100;
const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn report(what: &str, samples: Vec<Duration>) {
    let max = samples.iter().max().copied().unwrap_or_default();
    println!(
        "{what:<58} median {:>8.2} ms   max {:>8.2} ms",
        median(samples).as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

/// 100 provider files made from the three shipped ones, each with its own slug.
fn many_providers(dir: &Path) -> std::io::Result<()> {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(&shipped)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let slug = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            sources.push((slug, std::fs::read_to_string(&path)?));
        }
    }
    std::fs::create_dir_all(dir)?;
    for i in 0..PROVIDERS {
        let (slug, text) = &sources[i % sources.len()];
        let new_slug = format!("{slug}-{i:03}");
        let text = text.replacen(
            &format!("slug = \"{slug}\""),
            &format!("slug = \"{new_slug}\""),
            1,
        );
        std::fs::write(dir.join(format!("{new_slug}.toml")), text)?;
    }
    Ok(())
}

fn settings(db: &Path, providers: &Path) -> anyhow::Result<Settings> {
    let vars = [
        ("DATABASE_URL", db.display().to_string()),
        ("HABILIS_BIND", "127.0.0.1:0".to_string()),
        ("HABILIS_PROVIDERS_DIR", providers.display().to_string()),
        ("HABILIS_SESSION_KEY", random_key()),
        ("HABILIS_DB_POOL_SIZE", "4".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Settings::from_sources(Path::new("/nonexistent"), &vars)
}

fn main() -> anyhow::Result<()> {
    let root = std::env::temp_dir().join(format!("habilis-bench-{}", std::process::id()));
    let providers = root.join("providers");
    many_providers(&providers)?;
    println!("start-up with {PROVIDERS} provider files ({RUNS} runs each)");

    let mut samples = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let catalog = catalog::load_dir(&providers).map_err(|e| anyhow::anyhow!("{e}"))?;
        samples.push(started.elapsed());
        assert_eq!(catalog.all().len(), PROVIDERS);
    }
    report("load and check the provider files", samples);

    // The same databases twice: first created and migrated, then only opened.
    for what in [
        "first start: catalog + new SQLite + migrations + demo seed",
        "restart: catalog + existing SQLite + (no) migrations + seed",
    ] {
        let mut samples = Vec::new();
        for run in 0..RUNS {
            let settings = settings(&root.join(format!("bench-{run}.db")), &providers)?;
            let started = Instant::now();
            prepare(&settings)?;
            samples.push(started.elapsed());
        }
        report(what, samples);
    }

    std::fs::remove_dir_all(&root)?;
    Ok(())
}
