//! Compact JSON out, with members in the order MEGA sends them (serde_json's map sorts keys),
//! and the node object writer shared by `f`, `p` and action packets.

use rusqlite::Row;
use std::fmt::Write;

/// Append `s` as a JSON string literal.
pub fn esc(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON string literal.
pub fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    esc(&mut o, s);
    o
}

/// Builder for one JSON object, members in insertion order.
pub struct Obj {
    buf: String,
    first: bool,
}

impl Obj {
    pub fn new() -> Self {
        Obj {
            buf: String::from("{"),
            first: true,
        }
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.buf.push(',');
        }
        self.first = false;
        esc(&mut self.buf, k);
        self.buf.push(':');
    }
    /// A string member.
    pub fn s(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        esc(&mut self.buf, v);
        self
    }
    /// A string member, only when present.
    pub fn os(self, k: &str, v: Option<&str>) -> Self {
        match v {
            Some(v) => self.s(k, v),
            None => self,
        }
    }
    /// An integer member.
    pub fn i(mut self, k: &str, v: i64) -> Self {
        self.key(k);
        let _ = write!(self.buf, "{v}");
        self
    }
    /// A member whose value is already JSON.
    pub fn raw(mut self, k: &str, v: &str) -> Self {
        self.key(k);
        self.buf.push_str(v);
        self
    }
    pub fn end(mut self) -> String {
        self.buf.push('}');
        self.buf
    }
}

/// One node as stored, plus its share key pairs.
pub struct NodeRow {
    pub h: String,
    pub p: String,
    pub u: String,
    pub t: i64,
    pub a: String,
    pub k: String,
    pub s: Option<i64>,
    pub ts: i64,
    pub fa: Option<String>,
    /// `share:key/share:key` from `cr` material.
    pub shares: Option<String>,
}

/// Column list matching [`NodeRow::from_row`], for a table aliased `n`.
pub const NODE_COLS: &str = "n.h, n.parent, n.owner, n.t, n.a, n.k, n.s, n.ts, n.fa, \
     (SELECT group_concat(share || ':' || key, '/') FROM node_shares WHERE node = n.h)";

impl NodeRow {
    pub fn from_row(r: &Row) -> rusqlite::Result<NodeRow> {
        Ok(NodeRow {
            h: r.get(0)?,
            p: r.get(1)?,
            u: r.get(2)?,
            t: r.get(3)?,
            a: r.get(4)?,
            k: r.get(5)?,
            s: r.get(6)?,
            ts: r.get(7)?,
            fa: r.get(8)?,
            shares: r.get(9)?,
        })
    }

    /// The `k` member as the owner sees it: `"<owner>:<key>"` plus share pairs; roots `""`.
    pub fn owner_k(&self) -> String {
        if self.t >= 2 || self.k.is_empty() {
            return String::new();
        }
        let mut k = format!("{}:{}", self.u, self.k);
        if let Some(sh) = &self.shares {
            for pair in sh.split('/').filter(|p| !p.is_empty()) {
                k.push('/');
                k.push_str(pair);
            }
        }
        k
    }

    /// Append the node object with the given `k` member.
    pub fn write(&self, out: &mut String, k: &str) {
        out.push_str("{\"h\":");
        esc(out, &self.h);
        out.push_str(",\"p\":");
        esc(out, &self.p);
        out.push_str(",\"u\":");
        esc(out, &self.u);
        let _ = write!(out, ",\"t\":{}", self.t);
        out.push_str(",\"a\":");
        esc(out, &self.a);
        out.push_str(",\"k\":");
        esc(out, k);
        if let Some(s) = self.s {
            let _ = write!(out, ",\"s\":{s}");
        }
        if let Some(fa) = &self.fa {
            out.push_str(",\"fa\":");
            esc(out, fa);
        }
        let _ = write!(out, ",\"ts\":{}}}", self.ts);
    }

    /// The node object as its owner sees it.
    pub fn to_owner_json(&self) -> String {
        let mut out = String::with_capacity(200);
        self.write(&mut out, &self.owner_k());
        out
    }
}
