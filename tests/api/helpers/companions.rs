//! Real servers the file-store tests run against, started from registry packages: an
//! S3-compatible server (moto, from PyPI) and the clamd antivirus (Debian's clamav-daemon),
//! each a child process of the test, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when the test is done with it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `ready` says yes, or the process died, or 30 s passed (a start, not a timing).
fn wait_until(child: &mut Child, what: &str, log: &Path, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{what} stopped at start ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} not ready after 30 s:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "habilis-{name}-{}",
        habilis::config::random_key()[..12].to_lowercase()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The moto server the tests use: HABILIS_MOTO_SERVER, or the one `.ci/run` installs.
pub fn moto_server_path() -> PathBuf {
    std::env::var_os("HABILIS_MOTO_SERVER").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/s3/.venv/bin/moto_server"),
        PathBuf::from,
    )
}

/// An S3-compatible server on loopback with one empty bucket.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    _process: Running,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = scratch("moto").join("moto.log");
        let mut child = Command::new(moto_server_path())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .unwrap_or_else(|e| panic!("moto_server ({}): {e}", moto_server_path().display()));
        let address = format!("127.0.0.1:{port}");
        wait_until(&mut child, "moto_server", &log, || {
            std::net::TcpStream::connect(&address).is_ok()
        });
        let server = S3Server {
            endpoint: format!("http://{address}"),
            bucket: "habilis-test".to_string(),
            _process: Running(child),
        };
        let created = reqwest::Client::new()
            .put(format!("{}/{}", server.endpoint, server.bucket))
            .send()
            .await
            .unwrap();
        assert!(
            created.status().is_success(),
            "bucket: {}",
            created.status()
        );
        server
    }

    /// The settings that point the portal at this bucket.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HABILIS_FILES_DIR", String::new()),
            ("HABILIS_FILES_S3_BUCKET", self.bucket.clone()),
            ("HABILIS_FILES_S3_ENDPOINT", self.endpoint.clone()),
            ("HABILIS_FILES_S3_REGION", "eu-west-3".to_string()),
            ("HABILIS_FILES_S3_ACCESS_KEY_ID", "habilis-test".to_string()),
            (
                "HABILIS_FILES_S3_SECRET_ACCESS_KEY",
                "habilis-test-secret".to_string(),
            ),
        ]
    }

    /// The keys the bucket holds, as its own listing says.
    pub async fn keys(&self) -> Vec<String> {
        let listing = reqwest::Client::new()
            .get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_string)
            .collect()
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Debian's clamd: HABILIS_CLAMD_BIN, or /usr/sbin/clamd.
pub fn clamd_path() -> PathBuf {
    std::env::var_os("HABILIS_CLAMD_BIN")
        .map_or_else(|| PathBuf::from("/usr/sbin/clamd"), PathBuf::from)
}

/// clamd on a Unix socket of its own, with one signature the test writes: the MD5 of
/// `infected` (an `.hdb` line), since no signature can be downloaded here.
pub struct Clamd {
    pub socket: String,
    _process: Running,
}

impl Clamd {
    pub fn start(infected: &[u8]) -> Clamd {
        let dir = scratch("clamd");
        let db = dir.join("db");
        std::fs::create_dir_all(&db).unwrap();
        let md5 = md5_hex(infected);
        std::fs::write(
            db.join("habilis.hdb"),
            format!("{md5}:{}:Habilis.Test.Fichier\n", infected.len()),
        )
        .unwrap();
        let socket = dir.join("clamd.sock");
        let log = dir.join("clamd.log");
        std::fs::write(
            dir.join("clamd.conf"),
            format!(
                "Foreground yes\nLocalSocket {}\nDatabaseDirectory {}\nTemporaryDirectory {}\nLogFile {}\n",
                socket.display(),
                db.display(),
                dir.display(),
                log.display()
            ),
        )
        .unwrap();
        let out = dir.join("out.log");
        let mut child = Command::new(clamd_path())
            .arg("-c")
            .arg(dir.join("clamd.conf"))
            .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&out).unwrap()))
            .spawn()
            .unwrap_or_else(|e| panic!("clamd ({}): {e}", clamd_path().display()));
        wait_until(&mut child, "clamd", &out, || {
            std::os::unix::net::UnixStream::connect(&socket).is_ok()
        });
        Clamd {
            socket: socket.display().to_string(),
            _process: Running(child),
        }
    }
}
