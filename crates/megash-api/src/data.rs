//! The data plane: ranged GETs of ciphertext on download URLs and POSTs of encrypted pieces
//! on upload URLs, through the [`Transport`] seam, each request retried on its own through
//! [`Retry`]. Callers choose the pieces and how many run at once (megash-client's engine in
//! parallel, [`Client::download`](crate::Client::download) one after another).
//!
//! Messages never include a transfer URL: transfer URLs are capabilities.

use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures_util::StreamExt;

use crate::crypto::keys::FileKey;
use crate::crypto::{aes, b64};
use crate::error::{Error, ErrorCode, NetworkKind, Result};
use crate::retry::{Failed, Retried, Retry, RetryConfig};
use crate::transport::{header, Transport};

/// GET bytes `offset..offset + buf.len()` of the file at `url` and decrypt them into `buf`.
/// A connection that drops mid-piece is resumed at the byte where it stopped. `moved` counts
/// bytes as they arrive (and takes back what a piece given up had counted).
pub async fn fetch_piece(
    transport: &dyn Transport,
    url: &str,
    key: &FileKey,
    offset: u64,
    buf: &mut [u8],
    retry_config: &RetryConfig,
    moved: &AtomicU64,
) -> Result<()> {
    let mut filled = 0usize;
    let mut again = Retry::new(retry_config, Retried::Piece);
    loop {
        let before = filled;
        let Err(error) = fetch_once(transport, url, key, offset, buf, &mut filled, moved).await
        else {
            return Ok(());
        };
        let progressed = filled > before;
        if let Err(e) = again.after(Failed { error, progressed }).await {
            moved.fetch_sub(filled as u64, Ordering::Relaxed);
            return Err(e);
        }
    }
}

/// One GET of what is still missing of the piece (from `filled` on); decrypts into `buf`.
async fn fetch_once(
    transport: &dyn Transport,
    url: &str,
    key: &FileKey,
    offset: u64,
    buf: &mut [u8],
    filled: &mut usize,
    moved: &AtomicU64,
) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let start = offset + *filled as u64;
    let last = offset + buf.len() as u64 - 1;
    let mut resp = transport
        .get_stream(&format!("{url}/{start}-{last}"))
        .await?;
    if resp.status != 200 {
        return Err(status_error(resp.status, &resp.headers));
    }
    while let Some(chunk) = resp.body.next().await {
        let chunk = chunk?;
        let at = *filled;
        let Some(dst) = buf.get_mut(at..at + chunk.len()) else {
            return Err(Error::bad("no more bytes than were asked for"));
        };
        // The copy out of the socket's buffer and the decryption are one pass.
        aes::ctr_apply_to(&key.aes, &key.nonce, offset + at as u64, &chunk, dst);
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

/// The status of a transfer answer as an error (509 carries the quota wait).
fn status_error(status: u16, headers: &[(String, String)]) -> Error {
    if status == 509 {
        let seconds = header(headers, "x-mega-time-left")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        return Error::TransferQuota { seconds };
    }
    Error::Http { status }
}

/// POST one encrypted piece at `offset` of the upload at `url`; the answer is `None`, or
/// the completion token (b64, for [`Client::put_file`](crate::Client::put_file)) once the
/// file is complete. Retried with the same body; `-4`/`-5`/`-8` (start the upload over) are
/// returned.
pub async fn post_piece(
    transport: &dyn Transport,
    url: &str,
    offset: u64,
    body: Bytes,
    retry_config: &RetryConfig,
) -> Result<Option<String>> {
    let answer = post(
        transport,
        &format!("{url}/{offset}"),
        body,
        retry_config,
        check_upload_answer,
    )
    .await?;
    upload_token(&answer)
}

/// POST `body` to a transfer server's `url` and read the whole answer, which `check` may
/// turn into an error; retried with the same body under [`Retry`] (pieces, file attributes).
pub async fn post(
    transport: &dyn Transport,
    url: &str,
    body: Bytes,
    retry_config: &RetryConfig,
    check: fn(&[u8]) -> Result<()>,
) -> Result<Bytes> {
    let mut again = Retry::new(retry_config, Retried::Piece);
    let headers = [(
        "content-type".to_string(),
        "application/octet-stream".to_string(),
    )];
    loop {
        let outcome = async {
            let resp = transport.post(url, &headers, body.clone()).await?;
            if resp.status != 200 {
                return Err(status_error(resp.status, &resp.headers));
            }
            check(&resp.body)?;
            Ok(resp.body)
        };
        match outcome.await {
            Ok(b) => return Ok(b),
            Err(e) => again.after(e).await?,
        }
    }
}

/// Upload URLs answer errors as a negative number in text; `-4` there means "this upload
/// failed, start over", not the API's rate limit, so it is not retried.
pub fn check_upload_answer(body: &[u8]) -> Result<()> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(());
    };
    match text.trim().parse::<i64>() {
        Ok(-4) => Err(Error::Mega(ErrorCode::EFailed)),
        Ok(n) if n < 0 => Err(Error::Mega(ErrorCode::from_code(n))),
        _ => Ok(()),
    }
}

/// Interpret a piece answer: nothing yet, or the completion token in `p`'s `h` form.
pub fn upload_token(body: &[u8]) -> Result<Option<String>> {
    if body.is_empty() || body == b"0" {
        return Ok(None);
    }
    // Binary token (asked for with `v:2`): 36 raw bytes, the last one 1.
    if body.len() == 36 && body[35] == 1 {
        return Ok(Some(b64::encode(body)));
    }
    // Text token: b64 characters used as they are.
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
    if body.len() >= 27 && body.iter().all(is_b64) {
        return Ok(Some(String::from_utf8_lossy(body).into_owned()));
    }
    Err(Error::bad(
        "an empty answer or a completion token from the upload server",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_forms() {
        assert_eq!(upload_token(b"").unwrap(), None);
        assert_eq!(upload_token(b"0").unwrap(), None);
        let mut bin = [7u8; 36];
        bin[35] = 1;
        let t = upload_token(&bin).unwrap().unwrap();
        assert_eq!(t.len(), 48);
        let text = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij";
        assert_eq!(
            upload_token(text.as_bytes()).unwrap().as_deref(),
            Some(text)
        );
        assert!(upload_token(b"<html>error</html>").is_err());
    }

    #[test]
    fn upload_errors() {
        assert!(matches!(
            check_upload_answer(b"-3"),
            Err(Error::Mega(ErrorCode::EAgain))
        ));
        assert!(matches!(
            check_upload_answer(b"-4"),
            Err(Error::Mega(ErrorCode::EFailed))
        ));
        assert!(check_upload_answer(b"").is_ok());
        assert!(check_upload_answer(b"0").is_ok());
    }
}
