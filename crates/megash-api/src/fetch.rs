//! The `f` (fetch nodes) answer, parsed as it arrives.
//!
//! At a million nodes the answer is about 200 MB. Holding it whole cost as much memory, a
//! second pass over it (owner keys `ok` may follow the nodes), and the page faults of a fresh
//! 200 MB buffer on every first login. [`FetchParser`] takes the body piece by piece instead:
//! serde parses each node straight from the piece into a [`RawNode`] that borrows its
//! strings, and the node is converted and handed on at once. A value cut by the end of a
//! piece fails with "end of input" and is parsed again from its start once the next piece is
//! in, so only the unparsed tail of a piece is kept between pieces.
//!
//! A node whose key is wrapped with a share key the answer has not given yet (its `ok` comes
//! later) is held back as bytes and converted when the answer's object closes.

use bytes::Bytes;
use futures_util::StreamExt;
use serde::de::IgnoredAny;
use serde::Deserialize;

use super::client::Client;
use super::error::{Error, ErrorCode, Result};
use super::nodes::{
    FetchSummary, FetchedNodes, KeyRing, Node, NodeProblem, OutgoingShare, OwnerKey, PublicHandle,
    RawNode, Str,
};
use super::transport::BodyStream;

/// What [`Client::fetch_nodes_with`] hands its callback.
#[derive(Debug)]
pub enum Fetched {
    Node(Node),
    /// The connection broke mid-answer and the fetch starts again: forget the nodes so far.
    Restart,
}

fn bad_answer() -> Error {
    Error::bad("a fetch-nodes answer `[{\"f\":[…],\"sn\":…}]`")
}

/// Where the scanner is in `[{"f":[node,…],"sn":…,…},…]`. Each state waits for one token;
/// when a piece ends inside a value, the value is read again from its start with the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the outer `[`.
    Start,
    /// Before the first element: the answer object, or a per-command error code.
    First,
    /// Before a key of the answer object; `open`: right after `{` (so `}` may come).
    Key {
        open: bool,
    },
    /// Between a key and its `:`.
    Colon(Member),
    /// Before a member's value.
    Value(Member),
    /// After a member's value: `,` or `}`.
    AfterValue,
    /// Inside `f`: before a node; `open`: right after `[` (so `]` may come).
    Node {
        open: bool,
    },
    /// After a node: `,` or `]`.
    AfterNode,
    /// After the answer object: `,` or the outer `]`.
    Rest,
    /// After a `,` in the outer array: another element (ignored).
    RestValue,
    Done,
}

/// The members of the answer object that matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    F,
    Sn,
    Ok,
    S,
    Ph,
    Other,
}

/// A push parser for the `f` answer: [`feed`](Self::feed) pieces of the body in order, then
/// [`finish`](Self::finish).
pub struct FetchParser<'r, F> {
    ring: &'r mut KeyRing,
    on_node: F,
    state: State,
    /// Unparsed bytes: the tail of the previous piece plus the current one.
    buf: Vec<u8>,
    summary: FetchSummary,
    saw_f: bool,
    saw_ok: bool,
    /// Nodes waiting for the owner keys `ok` (raw JSON of each).
    held: Vec<Vec<u8>>,
    /// Do not parse `buf` again before it is this long.
    parse_again_at: usize,
    /// Scans of the bytes so far (tests check that a large member is not rescanned per piece).
    runs: usize,
}

/// An unfinished tail longer than this is a large member, not a node being cut.
const BIG_TAIL: usize = 64 << 10;

impl<'r, F: FnMut(Node) -> Result<()>> FetchParser<'r, F> {
    pub fn new(ring: &'r mut KeyRing, on_node: F) -> Self {
        FetchParser {
            ring,
            on_node,
            state: State::Start,
            buf: Vec::new(),
            summary: FetchSummary::default(),
            saw_f: false,
            saw_ok: false,
            held: Vec::new(),
            parse_again_at: 0,
            runs: 0,
        }
    }

    /// Parse what `piece` completes; an error (bad JSON, a node the callback refused) ends
    /// the parse.
    pub fn feed(&mut self, piece: &[u8]) -> Result<()> {
        if self.buf.is_empty() {
            // The common case: parse straight from the piece, keep only its unfinished tail.
            let used = self.run(piece, false)?;
            self.buf.extend_from_slice(&piece[used..]);
        } else {
            self.buf.extend_from_slice(piece);
            if self.buf.len() < self.parse_again_at {
                return Ok(());
            }
            let buf = std::mem::take(&mut self.buf);
            let used = self.run(&buf, false);
            self.buf = buf;
            self.buf.drain(..used?);
        }
        // A value spanning many pieces (a large member, never a node) is parsed again from its
        // start each time: only once its bytes have doubled, so it costs O(n log n), not O(n²).
        self.parse_again_at = if self.buf.len() > BIG_TAIL {
            2 * self.buf.len()
        } else {
            0
        };
        Ok(())
    }

    /// The end of the body: everything must have been complete.
    pub fn finish(mut self) -> Result<FetchSummary> {
        let buf = std::mem::take(&mut self.buf);
        let used = self.run(&buf, true)?;
        if self.state != State::Done || !buf[used..].iter().all(u8::is_ascii_whitespace) {
            return Err(bad_answer());
        }
        Ok(self.summary)
    }

    /// Scan `buf` from its start; returns how many bytes were consumed (the rest is an
    /// unfinished value, kept for the next piece).
    fn run(&mut self, buf: &[u8], eof: bool) -> Result<usize> {
        self.runs += 1;
        let mut at = 0;
        loop {
            at = skip_ws(buf, at);
            let Some(&byte) = buf.get(at) else {
                return Ok(at);
            };
            // For states that read a whole value: the value and its length, or wait for more.
            macro_rules! value {
                ($t:ty) => {
                    match parse_at::<$t>(&buf[at..], eof)? {
                        Some(parsed) => parsed,
                        None => return Ok(at),
                    }
                };
            }
            match self.state {
                State::Start => {
                    expect(byte, b'[')?;
                    at += 1;
                    self.state = State::First;
                }
                State::First if byte == b'{' => {
                    at += 1;
                    self.state = State::Key { open: true };
                }
                State::First => {
                    // `[-9]`: the command failed.
                    let (code, _) = value!(i64);
                    return Err(match code {
                        code if code < 0 => Error::Mega(ErrorCode::from_code(code)),
                        _ => bad_answer(),
                    });
                }
                State::Key { open: true } if byte == b'}' => {
                    at += 1;
                    self.close_answer()?;
                    self.state = State::Rest;
                }
                State::Key { .. } => {
                    let (key, len) = value!(Str<'_>);
                    let member = match key.0.as_ref() {
                        // `f2`: older file versions, nodes like the others (each one's
                        // parent is the next newer version).
                        "f" | "f2" => Member::F,
                        "sn" => Member::Sn,
                        "ok" => Member::Ok,
                        "s" => Member::S,
                        "ph" => Member::Ph,
                        _ => Member::Other,
                    };
                    at += len;
                    self.state = State::Colon(member);
                }
                State::Colon(member) => {
                    expect(byte, b':')?;
                    at += 1;
                    self.state = State::Value(member);
                }
                State::Value(Member::F) => {
                    expect(byte, b'[')?;
                    at += 1;
                    self.saw_f = true;
                    self.state = State::Node { open: true };
                }
                State::Value(member) => match self.member(member, &buf[at..], eof)? {
                    Some(len) => {
                        at += len;
                        self.state = State::AfterValue;
                    }
                    None => return Ok(at),
                },
                State::AfterValue => {
                    at += 1;
                    match byte {
                        b',' => self.state = State::Key { open: false },
                        b'}' => {
                            self.close_answer()?;
                            self.state = State::Rest;
                        }
                        _ => return Err(bad_answer()),
                    }
                }
                State::Node { open: true } if byte == b']' => {
                    at += 1;
                    self.state = State::AfterValue;
                }
                State::Node { .. } => {
                    let (raw, len) = value!(RawNode<'_>);
                    self.node(raw, &buf[at..at + len])?;
                    at += len;
                    self.state = State::AfterNode;
                }
                State::AfterNode => {
                    at += 1;
                    match byte {
                        b',' => self.state = State::Node { open: false },
                        b']' => self.state = State::AfterValue,
                        _ => return Err(bad_answer()),
                    }
                }
                State::Rest => {
                    at += 1;
                    match byte {
                        b',' => self.state = State::RestValue,
                        b']' => self.state = State::Done,
                        _ => return Err(bad_answer()),
                    }
                }
                State::RestValue => {
                    let (IgnoredAny, len) = value!(IgnoredAny);
                    at += len;
                    self.state = State::Rest;
                }
                State::Done => return Ok(at),
            }
        }
    }

    /// Read a member's value from the start of `buf`; its length, or `None` to wait for
    /// more bytes.
    fn member(&mut self, member: Member, buf: &[u8], eof: bool) -> Result<Option<usize>> {
        Ok(match member {
            Member::Sn => parse_at::<String>(buf, eof)?.map(|(sn, len)| {
                self.summary.sn = sn;
                len
            }),
            Member::Ok => parse_at::<Option<Vec<OwnerKey>>>(buf, eof)?.map(|(keys, len)| {
                for ok in keys.unwrap_or_default() {
                    self.ring.add_owner_key(&ok.h, &ok.ha, &ok.k);
                }
                self.saw_ok = true;
                len
            }),
            Member::S => parse_at::<Option<Vec<OutgoingShare>>>(buf, eof)?.map(|(shares, len)| {
                self.summary.outgoing_shares = shares.unwrap_or_default();
                len
            }),
            Member::Ph => parse_at::<Option<Vec<PublicHandle>>>(buf, eof)?.map(|(links, len)| {
                self.summary.public_handles = links.unwrap_or_default();
                len
            }),
            Member::F | Member::Other => parse_at::<IgnoredAny>(buf, eof)?.map(|(_, len)| len),
        })
    }

    fn node(&mut self, raw: RawNode<'_>, json: &[u8]) -> Result<()> {
        let node = self.ring.convert(&raw)?;
        if !self.saw_ok
            && node.problem == Some(NodeProblem::KeyUnavailable)
            && raw.wants_share_key()
        {
            self.held.push(json.to_vec());
            return Ok(());
        }
        self.deliver(node)
    }

    fn deliver(&mut self, node: Node) -> Result<()> {
        self.summary.node_count += 1;
        (self.on_node)(node)
    }

    /// The answer object ended: every member has been read, so held nodes get their last try.
    fn close_answer(&mut self) -> Result<()> {
        if !self.saw_f {
            return Err(bad_answer());
        }
        for json in std::mem::take(&mut self.held) {
            let raw: RawNode<'_> = serde_json::from_slice(&json).map_err(|_| bad_answer())?;
            let node = self.ring.convert(&raw)?;
            self.deliver(node)?;
        }
        Ok(())
    }
}

fn expect(byte: u8, want: u8) -> Result<()> {
    if byte == want {
        Ok(())
    } else {
        Err(bad_answer())
    }
}

fn skip_ws(buf: &[u8], mut at: usize) -> usize {
    while buf.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Parse one JSON value of type `T` at the start of `buf`: the value and its length, or
/// `None` if `buf` ends inside it. A number (or literal) that reaches the end of `buf` might
/// go on in the next piece, so it counts as unfinished too unless `eof`.
fn parse_at<'a, T: Deserialize<'a>>(buf: &'a [u8], eof: bool) -> Result<Option<(T, usize)>> {
    let mut values = serde_json::Deserializer::from_slice(buf).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => {
            let len = values.byte_offset();
            let delimited = matches!(buf.first(), Some(b'"' | b'{' | b'['));
            if len == buf.len() && !delimited && !eof {
                return Ok(None);
            }
            Ok(Some((value, len)))
        }
        Some(Err(e)) if e.is_eof() && !eof => Ok(None),
        _ => Err(bad_answer()),
    }
}

/// Parse a whole `f` answer held in memory (tests, fuzzing, small answers).
pub fn parse_fetch<F>(body: &[u8], ring: &mut KeyRing, on_node: F) -> Result<FetchSummary>
where
    F: FnMut(Node) -> Result<()>,
{
    let mut parser = FetchParser::new(ring, on_node);
    parser.feed(body)?;
    parser.finish()
}

impl Client {
    /// Fetch every node (`f`), handing each to `on` as it arrives off the wire, for callers
    /// that store nodes elsewhere (a database) instead of holding them all in memory. If the
    /// connection breaks mid-answer, `on` gets [`Fetched::Restart`] and the fetch starts
    /// again (as any request is retried). An error returned by `on` stops the fetch and is
    /// returned.
    pub async fn fetch_nodes_with<F>(&self, mut on: F) -> Result<FetchSummary>
    where
        F: FnMut(Fetched) -> Result<()>,
    {
        let start = self.state().keys.clone();
        if start.master_key.is_none() && start.link_key.is_none() {
            return Err(Error::NotLoggedIn);
        }
        let url = self.cs_url();
        let mut delivered = false;
        let body = Bytes::from_static(br#"[{"a":"f","c":1,"r":1}]"#);
        // A connection that breaks mid-answer repeats the whole request (the same `id`):
        // `on` hears that what it got so far is void.
        self.post_streaming(&url, body, async |mut stream| {
            if std::mem::take(&mut delivered) {
                on(Fetched::Restart)?;
            }
            let mut ring = start.clone();
            let summary = parse_stream(&mut stream, &mut ring, |n| {
                delivered = true;
                on(Fetched::Node(n))
            })
            .await?;
            self.state().keys.share_keys = ring.share_keys;
            Ok(summary)
        })
        .await
    }

    /// Fetch every node (`f`) into memory.
    pub async fn fetch_nodes(&self) -> Result<FetchedNodes> {
        let mut nodes = Vec::new();
        let summary = self
            .fetch_nodes_with(|event| {
                match event {
                    Fetched::Node(n) => nodes.push(n),
                    Fetched::Restart => nodes.clear(),
                }
                Ok(())
            })
            .await?;
        Ok(FetchedNodes {
            nodes,
            sn: summary.sn,
            outgoing_shares: summary.outgoing_shares,
        })
    }
}

async fn parse_stream<F>(
    stream: &mut BodyStream,
    ring: &mut KeyRing,
    on_node: F,
) -> Result<FetchSummary>
where
    F: FnMut(Node) -> Result<()>,
{
    let mut parser = FetchParser::new(ring, on_node);
    while let Some(piece) = stream.next().await {
        parser.feed(&piece?)?;
    }
    parser.finish()
}

impl RawNode<'_> {
    /// Whether `k` has a pair under an 8-character share handle: a key `ok` may still give.
    fn wants_share_key(&self) -> bool {
        self.k.as_ref().is_some_and(|k| {
            k.0.split('/')
                .filter_map(|pair| pair.split_once(':'))
                .any(|(owner, _)| owner.len() == 8)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_member_in_small_pieces_is_not_rescanned_per_piece() {
        let users: Vec<String> = (0..40_000)
            .map(|i| format!(r#"{{"u":"user{i:07}AAAA","c":0,"m":"u{i}@example.com"}}"#))
            .collect();
        let body = format!(r#"[{{"u":[{}],"f":[],"sn":"big"}}]"#, users.join(","));
        assert!(body.len() > 2 * BIG_TAIL);
        let mut ring = KeyRing::default();
        let mut parser = FetchParser::new(&mut ring, |_| Ok(()));
        let pieces = body.as_bytes().chunks(1024);
        let count = pieces.len();
        for piece in pieces {
            parser.feed(piece).unwrap();
        }
        // One scan per piece until the tail passes BIG_TAIL, then one per doubling.
        let limit = BIG_TAIL / 1024 + 10;
        assert!(
            parser.runs < limit,
            "{} scans for {count} pieces",
            parser.runs
        );
        assert_eq!(parser.finish().unwrap().sn, "big");
    }
}
