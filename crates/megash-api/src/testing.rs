//! Test support for crates built on this one (feature `testing`): a scripted transport, so
//! that code above the protocol can be tested against exact answers, including a
//! connection that breaks mid-answer.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::retry::RetryConfig;
use crate::transport::{BoxFuture, Response, StreamResponse, Transport};

/// A scripted transport: answers POSTs from a queue and records what was sent.
type Sent = (String, Vec<(String, String)>, Bytes);

#[derive(Default)]
pub struct FakeTransport {
    pub answers: Mutex<VecDeque<Result<Response>>>,
    pub sent: Mutex<Vec<Sent>>,
    /// Answers (counted from 1 in `answers` as pushed) cut short: at how many bytes, and
    /// whether the connection then hangs instead of breaking.
    cuts: Mutex<std::collections::HashMap<usize, (usize, bool)>>,
    served: Mutex<usize>,
}

impl FakeTransport {
    pub fn push(&self, status: u16, headers: &[(&str, &str)], body: &str) {
        self.answers.lock().unwrap().push_back(Ok(Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }));
    }
    pub fn push_err(&self, e: Error) {
        self.answers.lock().unwrap().push_back(Err(e));
    }
    /// An HTTP 200 whose connection breaks after `cut` bytes of `body`.
    pub fn push_cut(&self, body: &str, cut: usize) {
        self.push_short(body, cut, false);
    }
    /// An HTTP 200 that sends `cut` bytes of `body` and then nothing, ever (a reader of it
    /// waits until its future is dropped).
    pub fn push_hang(&self, body: &str, cut: usize) {
        self.push_short(body, cut, true);
    }
    fn push_short(&self, body: &str, cut: usize, hang: bool) {
        self.push(200, &[], body);
        let nth = self.answers.lock().unwrap().len();
        self.cuts.lock().unwrap().insert(nth, (cut, hang));
    }
}

impl Transport for FakeTransport {
    fn post<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<Response>> {
        self.sent
            .lock()
            .unwrap()
            .push((url.to_string(), headers.to_vec(), body));
        let next = self.answers.lock().unwrap().pop_front();
        Box::pin(async move { next.unwrap_or(Err(Error::bad("no scripted answer"))) })
    }
    fn post_stream<'a>(
        &'a self,
        url: &'a str,
        headers: &'a [(String, String)],
        body: Bytes,
    ) -> BoxFuture<'a, Result<StreamResponse>> {
        let cut = {
            let mut served = self.served.lock().unwrap();
            *served += 1;
            self.cuts.lock().unwrap().remove(&*served)
        };
        Box::pin(async move {
            let r = self.post(url, headers, body).await?;
            let body = match cut {
                // Two pieces before the break, so a parser sees a piece boundary too.
                Some((cut, false)) => crate::transport::body_of([
                    Ok(r.body.slice(..cut / 2)),
                    Ok(r.body.slice(cut / 2..cut)),
                    Err(Error::Network {
                        kind: crate::NetworkKind::Broken,
                        message: "cut by the test".into(),
                    }),
                ]),
                Some((cut, true)) => {
                    use futures_util::StreamExt;
                    let first = futures_util::stream::iter([Ok(r.body.slice(..cut))]);
                    Box::pin(first.chain(futures_util::stream::pending()))
                }
                None => crate::transport::body_of([Ok(r.body)]),
            };
            Ok(StreamResponse {
                status: r.status,
                headers: r.headers,
                body,
            })
        })
    }
    fn get_stream<'a>(&'a self, _url: &'a str) -> BoxFuture<'a, Result<StreamResponse>> {
        Box::pin(async { Err(Error::bad("no GET in fake")) })
    }
}

pub fn fake_client(attempts: u32) -> (Arc<FakeTransport>, Client) {
    let t = Arc::new(FakeTransport::default());
    let c = Client::builder()
        .api_url("http://127.0.0.1:9")
        .retry(RetryConfig::fast(attempts))
        .transport(t.clone())
        .build()
        .unwrap();
    (t, c)
}
