//! The HTTP seam: a small object-safe trait (POST bytes, GET whole or streamed) and its
//! reqwest + rustls implementation. Tests plug in fakes; everything above speaks only this.
//!
//! Transport errors are turned into [`Error::Network`] here, with messages built by us:
//! reqwest's own messages include the URL, and our URLs carry the session id.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use super::error::{Error, NetworkKind, Result};

/// A boxed future, so the trait stays object-safe without extra crates.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A stream of body pieces.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// A body made of pieces already in memory (a whole answer, or pieces scripted by a test).
pub fn body_of(pieces: impl IntoIterator<Item = Result<Bytes>>) -> BodyStream {
    let pieces: Vec<_> = pieces.into_iter().collect();
    Box::pin(futures_util::stream::iter(pieces))
}

/// A complete HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// An HTTP response whose body is read piece by piece.
pub struct StreamResponse {
    pub status: u16,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: BodyStream,
}

impl StreamResponse {
    /// Read the rest of the body: the whole answer.
    pub async fn read_whole(self) -> Result<Response> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: collect(self.body).await?,
        })
    }
}

/// Read a body to its end. Most answers come in one piece, which is returned without a copy.
pub async fn collect(mut body: BodyStream) -> Result<Bytes> {
    let Some(first) = body.next().await.transpose()? else {
        return Ok(Bytes::new());
    };
    let Some(second) = body.next().await.transpose()? else {
        return Ok(first);
    };
    let mut all = Vec::with_capacity(first.len() + second.len());
    all.extend_from_slice(&first);
    all.extend_from_slice(&second);
    while let Some(piece) = body.next().await {
        all.extend_from_slice(&piece?);
    }
    Ok(all.into())
}

impl std::fmt::Debug for StreamResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamResponse")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Find a header (name compared case-insensitively).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What the client needs from HTTP.
pub trait Transport: Send + Sync {
    /// POST `body` to `url` with extra `headers`; read the whole answer.
    fn post<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<Response>>;

    /// POST like [`post`](Self::post), returning as soon as the headers are in; the body
    /// streams. The default reads the whole answer first.
    fn post_stream<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<StreamResponse>> {
        Box::pin(async move {
            let r = self.post(url, headers, body).await?;
            Ok(StreamResponse {
                status: r.status,
                headers: r.headers,
                body: body_of([Ok(r.body)]),
            })
        })
    }

    /// GET `url` and read the whole answer.
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Response>> {
        Box::pin(async move { self.get_stream(url).await?.read_whole().await })
    }

    /// GET `url`, returning as soon as the headers are in; the body streams.
    fn get_stream<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<StreamResponse>>;
}

/// The real transport: reqwest with rustls.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport for API requests (connect 20 s, idle read 120 s).
    pub fn new() -> Result<Self> {
        let client = builder()?.build().map_err(|e| network_error(&e))?;
        Ok(ReqwestTransport { client })
    }

    /// A transport for transfer URLs: HTTP/1.1 (one request per connection at a time, so
    /// parallel pieces get parallel connections), many idle connections kept, Nagle off.
    /// No overall timeout: a large piece on a slow link is fine as long as bytes move.
    pub fn for_transfers() -> Result<Self> {
        let client = builder()?
            .tcp_nodelay(true)
            .http1_only()
            .pool_max_idle_per_host(32)
            .build()
            .map_err(|e| network_error(&e))?;
        Ok(ReqwestTransport { client })
    }

    fn post_request(
        &self,
        url: &str,
        headers: &[(String, String)],
        body: Bytes,
    ) -> reqwest::RequestBuilder {
        let mut req = self.client.post(url).body(body);
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        req
    }
}

/// What both transports share: rustls, the proxy choice, timeouts, the user agent, and the
/// extra trusted roots of `MEGASH_CA_FILE` (a private MEGA-compatible server, megasim with
/// `--tls-cert`) on top of the built-in ones.
fn builder() -> Result<reqwest::ClientBuilder> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .proxy(super::proxy::reqwest_proxy())
        .connect_timeout(Duration::from_secs(20))
        .read_timeout(Duration::from_secs(120))
        .user_agent(concat!("megash/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = std::env::var_os("MEGASH_CA_FILE").filter(|v| !v.is_empty()) {
        let pem = std::fs::read(&path).map_err(Error::Io)?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| Error::Network {
            kind: NetworkKind::Other,
            message: "MEGASH_CA_FILE holds no PEM certificate".into(),
        })?;
        for c in certs {
            builder = builder.add_root_certificate(c);
        }
    }
    Ok(builder)
}

fn headers_of(map: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase(),
                v.to_str().ok()?.to_string(),
            ))
        })
        .collect()
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

/// Describe a reqwest error without its URL (the host and port stay: they are no secret).
fn network_error(e: &reqwest::Error) -> Error {
    let (kind, message) = if tls_refused(e) {
        (
            NetworkKind::Other,
            "TLS refused the server (its certificate is not trusted)",
        )
    } else if e.is_timeout() {
        (NetworkKind::Timeout, "the request timed out")
    } else if e.is_connect() {
        (NetworkKind::Connect, "could not connect to the server")
    } else if e.is_body() || e.is_decode() {
        (
            NetworkKind::Broken,
            "the connection broke while reading the response",
        )
    } else if e.is_request() {
        (
            NetworkKind::Broken,
            "the connection broke while sending the request",
        )
    } else if e.is_builder() {
        (NetworkKind::Other, "invalid request URL")
    } else {
        (NetworkKind::Other, "HTTP failure")
    };
    let host = e
        .url()
        .and_then(|u| u.host_str().map(|h| (h.to_string(), u.port())));
    let message = match host {
        Some((h, Some(p))) => format!("{message} ({h}:{p})"),
        Some((h, None)) => format!("{message} ({h})"),
        None => message.to_string(),
    };
    Error::Network { kind, message }
}

impl Transport for ReqwestTransport {
    fn post<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            streamed(self.post_request(url, headers, body))
                .await?
                .read_whole()
                .await
        })
    }

    fn post_stream<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<StreamResponse>> {
        Box::pin(streamed(self.post_request(url, headers, body)))
    }

    fn get_stream<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<StreamResponse>> {
        Box::pin(streamed(self.client.get(url)))
    }
}

async fn streamed(req: reqwest::RequestBuilder) -> Result<StreamResponse> {
    let resp = req.send().await.map_err(|e| network_error(&e))?;
    let status = resp.status().as_u16();
    let headers = headers_of(resp.headers());
    let body = resp
        .bytes_stream()
        .map(|r| r.map_err(|e| network_error(&e)));
    Ok(StreamResponse {
        status,
        headers,
        body: Box::pin(body),
    })
}
