//! The data plane: GETs of ciphertext ranges and POSTs of encrypted pieces on transfer URLs,
//! each retried on its own with backoff. Errors are `api::Error` so one classifier
//! (`api::is_retryable`) decides for API calls and transfers alike.
//!
//! Messages never include the URL: transfer URLs are capabilities.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;

use super::plan::Piece;
use crate::api::transfer::{check_upload_answer, upload_token};
use crate::api::{Error, Failed, NetworkKind, Retried, Retry, RetryConfig};
use crate::crypto::aes;
use crate::crypto::keys::FileKey;

/// A reqwest client tuned for bulk transfers (HTTP/1.1, one request per connection at a
/// time, no overall timeout: a 1 GiB piece on a slow link is fine as long as bytes move).
pub fn client() -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .proxy(crate::api::proxy::reqwest_proxy());
    // Extra trusted roots for HTTPS transfer URLs (a private MEGA-compatible server, megasim
    // with --tls-cert), on top of the built-in ones.
    if let Some(path) = std::env::var_os("MEGASH_CA_FILE").filter(|v| !v.is_empty()) {
        let pem = std::fs::read(&path).map_err(Error::Io)?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| net(&e))?;
        for c in certs {
            builder = builder.add_root_certificate(c);
        }
    }
    builder
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(120))
        .tcp_nodelay(true)
        .http1_only()
        .pool_max_idle_per_host(32)
        .user_agent(concat!("megash/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| net(&e))
}

/// Did TLS refuse the server (untrusted or wrong certificate)? Retrying cannot help. The
/// TLS backend may be rustls or (when another crate's features pull it in) OpenSSL, so
/// besides rustls' typed error the messages are checked.
fn tls_refused(e: &reqwest::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(tls) = err.downcast_ref::<tokio_rustls::rustls::Error>() {
            return matches!(
                tls,
                tokio_rustls::rustls::Error::InvalidCertificate(_)
                    | tokio_rustls::rustls::Error::AlertReceived(_)
            );
        }
        if err.to_string().to_ascii_lowercase().contains("certificate") {
            return true;
        }
        // An io::Error's `source` skips the error it wraps.
        cur = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner),
            None => err.source(),
        };
    }
    false
}

/// Describe a reqwest error without its URL.
fn net(e: &reqwest::Error) -> Error {
    if tls_refused(e) {
        return Error::Network {
            kind: NetworkKind::Other,
            message: "TLS refused the transfer server (its certificate is not trusted)".into(),
        };
    }
    let kind = if e.is_timeout() {
        NetworkKind::Timeout
    } else if e.is_connect() {
        NetworkKind::Connect
    } else if e.is_body() || e.is_decode() || e.is_request() {
        NetworkKind::Broken
    } else {
        NetworkKind::Other
    };
    let message = match kind {
        NetworkKind::Timeout => "the transfer connection timed out",
        NetworkKind::Connect => "could not connect to the transfer server",
        NetworkKind::Broken => "the transfer connection broke",
        _ => "HTTP failure on the transfer connection",
    };
    Error::Network {
        kind,
        message: message.into(),
    }
}

/// The status of a download answer as an error (509 carries the quota wait).
fn status_error(status: u16, headers: &reqwest::header::HeaderMap) -> Error {
    if status == 509 {
        let seconds = headers
            .get("x-mega-time-left")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        return Error::TransferQuota { seconds };
    }
    Error::Http { status }
}

/// GET one piece and decrypt it into `buf` (resized to the piece). A connection that drops
/// mid-piece is resumed at the byte where it stopped. `moved` counts bytes as they arrive
/// (and takes back what a failed piece had counted).
pub async fn fetch_piece(
    http: &reqwest::Client,
    url: &str,
    key: &FileKey,
    piece: Piece,
    retry_config: &RetryConfig,
    buf: &mut Vec<u8>,
    moved: &super::Counter,
) -> Result<(), Error> {
    fit(buf, piece.len as usize);
    let mut filled = 0usize;
    let mut again = Retry::new(retry_config, Retried::Piece);
    loop {
        let before = filled;
        let Err(error) = fetch_into(http, url, key, piece, buf, &mut filled, moved).await else {
            return Ok(());
        };
        let progressed = filled > before;
        if let Err(e) = again.after(Failed { error, progressed }).await {
            // The piece is given up: what it had counted is taken back.
            moved.fetch_sub(filled as u64, Ordering::Relaxed);
            return Err(e);
        }
    }
}

/// Make `buf` exactly `len` bytes long. A reused buffer keeps its old bytes (they are
/// overwritten): zeroing megabytes per request would cost as much as decrypting them.
pub fn fit(buf: &mut Vec<u8>, len: usize) {
    if buf.len() >= len {
        buf.truncate(len);
    } else {
        buf.resize(len, 0);
    }
}

/// One GET of what is still missing of `piece` (from `filled` on); decrypts into `buf`.
async fn fetch_into(
    http: &reqwest::Client,
    url: &str,
    key: &FileKey,
    piece: Piece,
    buf: &mut [u8],
    filled: &mut usize,
    moved: &super::Counter,
) -> Result<(), Error> {
    let start = piece.offset + *filled as u64;
    let end = piece.end();
    let mut resp = http
        .get(format!("{url}/{start}-{}", end - 1))
        .send()
        .await
        .map_err(|e| net(&e))?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(status_error(status, resp.headers()));
    }
    while let Some(chunk) = resp.chunk().await.map_err(|e| net(&e))? {
        let at = *filled;
        let Some(dst) = buf.get_mut(at..at + chunk.len()) else {
            return Err(Error::bad("no more bytes than were asked for"));
        };
        // The copy out of the socket's buffer and the decryption are one pass.
        aes::ctr_apply_to(&key.aes, &key.nonce, piece.offset + at as u64, &chunk, dst);
        *filled += chunk.len();
        moved.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    if *filled < buf.len() {
        return Err(Error::Network {
            kind: NetworkKind::Broken,
            message: "the download connection ended early".into(),
        });
    }
    Ok(())
}

/// POST one encrypted piece at `offset`; the answer is `None` or the completion token.
/// Retried with the same body; `-4`/`-5`/`-8` (start the upload over) are returned.
pub async fn post_piece(
    http: &reqwest::Client,
    url: &str,
    offset: u64,
    body: Bytes,
    retry_config: &RetryConfig,
) -> Result<Option<String>, Error> {
    let mut again = Retry::new(retry_config, Retried::Piece);
    loop {
        match post_once(http, url, offset, body.clone()).await {
            Ok(t) => return Ok(t),
            Err(e) => again.after(e).await?,
        }
    }
}

async fn post_once(
    http: &reqwest::Client,
    url: &str,
    offset: u64,
    body: Bytes,
) -> Result<Option<String>, Error> {
    let resp = http
        .post(format!("{url}/{offset}"))
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .map_err(|e| net(&e))?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(Error::Http { status });
    }
    let answer = resp.bytes().await.map_err(|e| net(&e))?;
    check_upload_answer(&answer)?;
    upload_token(&answer)
}
