//! The antivirus: a file streamed to clamd with its INSTREAM command (length-prefixed chunks,
//! then a zero length), and its one-line answer read back.

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What clamd said of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name.
    Infected(String),
}

/// The longest a scan may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);
const CHUNK: usize = 64 * 1024;

/// Asks clamd at `address` (`host:port`, or a Unix socket's path) about `bytes`. An error
/// means no verdict: clamd unreachable, too slow, or answering something else.
pub async fn scan(address: &str, bytes: &[u8]) -> anyhow::Result<Verdict> {
    let asked = async {
        if address.starts_with('/') {
            let stream = tokio::net::UnixStream::connect(address)
                .await
                .with_context(|| format!("clamd ({address}) injoignable"))?;
            instream(stream, bytes).await
        } else {
            let stream = tokio::net::TcpStream::connect(address)
                .await
                .with_context(|| format!("clamd ({address}) injoignable"))?;
            instream(stream, bytes).await
        }
    };
    tokio::time::timeout(TIMEOUT, asked)
        .await
        .with_context(|| {
            format!(
                "clamd ({address}) n'a pas répondu en {} s",
                TIMEOUT.as_secs()
            )
        })?
}

async fn instream<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    bytes: &[u8],
) -> anyhow::Result<Verdict> {
    stream.write_all(b"zINSTREAM\0").await?;
    for chunk in bytes.chunks(CHUNK) {
        stream
            .write_all(&(chunk.len() as u32).to_be_bytes())
            .await?;
        stream.write_all(chunk).await?;
    }
    stream.write_all(&0u32.to_be_bytes()).await?;
    stream.flush().await?;
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    // The answer ends with a NUL (the `z` prefix) or when clamd closes the connection.
    while answer.len() < 4096 {
        match stream.read(&mut byte).await? {
            0 => break,
            _ if byte[0] == 0 => break,
            _ => answer.push(byte[0]),
        }
    }
    verdict(&String::from_utf8_lossy(&answer))
}

/// Reads clamd's answer: `stream: OK`, `stream: <name> FOUND`, or an error.
fn verdict(answer: &str) -> anyhow::Result<Verdict> {
    let answer = answer.trim();
    let Some(result) = answer.strip_prefix("stream:").map(str::trim) else {
        bail!("réponse inattendue de clamd : « {answer} »");
    };
    if result == "OK" {
        return Ok(Verdict::Clean);
    }
    if let Some(name) = result.strip_suffix("FOUND") {
        return Ok(Verdict::Infected(name.trim().to_string()));
    }
    bail!("clamd n'a pas pu analyser le fichier : « {answer} »")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read() {
        assert_eq!(verdict("stream: OK").unwrap(), Verdict::Clean);
        assert_eq!(
            verdict("stream: Habilis-Test.UNOFFICIAL FOUND").unwrap(),
            Verdict::Infected("Habilis-Test.UNOFFICIAL".to_string())
        );
        assert!(verdict("INSTREAM size limit exceeded. ERROR").is_err());
        assert!(verdict("").is_err());
    }
}
