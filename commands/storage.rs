//! Storage figures shared by `whoami -l` and `df`: bytes, files and folders under each root,
//! computed in the cache (no network), and the quota as JSON.

use serde_json::{json, Value};

use crate::account::Account;
use crate::api::{NodeType, Quota};
use crate::cache::Totals;
use crate::error::CmdError;

/// What one root holds.
pub struct Usage {
    pub kind: NodeType,
    pub totals: Totals,
    /// Bytes of the older versions of the files under the root.
    pub version_bytes: u64,
}

impl Usage {
    /// `ROOT`, `INBOX`, `RUBBISH` (whoami -l).
    pub fn label_upper(&self) -> &'static str {
        match self.kind {
            NodeType::Root => "ROOT",
            NodeType::Inbox => "INBOX",
            _ => "RUBBISH",
        }
    }

    /// `Cloud drive`, `Inbox`, `Rubbish bin` (df).
    pub fn label(&self) -> &'static str {
        match self.kind {
            NodeType::Root => "Cloud drive",
            NodeType::Inbox => "Inbox",
            _ => "Rubbish bin",
        }
    }

    /// Stable JSON fields: `root` (`cloud_drive`, `inbox`, `rubbish_bin`), `bytes`, `files`,
    /// `folders`.
    pub fn to_json(&self) -> Value {
        let root = match self.kind {
            NodeType::Root => "cloud_drive",
            NodeType::Inbox => "inbox",
            _ => "rubbish_bin",
        };
        json!({
            "root": root,
            "bytes": self.totals.bytes,
            "files": self.totals.files,
            "folders": self.totals.folders,
        })
    }
}

/// Bytes of every older file version in the account.
pub fn version_bytes(roots: &[Usage]) -> u64 {
    roots.iter().map(|r| r.version_bytes).sum()
}

/// Usage of the Cloud Drive, Inbox and Rubbish bin, in that order (roots the account lacks
/// count as empty).
pub fn roots(acct: &Account) -> Result<Vec<Usage>, CmdError> {
    let mut out = Vec::new();
    for kind in [NodeType::Root, NodeType::Inbox, NodeType::Rubbish] {
        let (totals, with) = match acct.cache.root_of(kind)? {
            Some(n) => (
                acct.cache.subtree_totals(n.handle)?,
                acct.cache.subtree_totals_with_versions(n.handle)?,
            ),
            None => (Totals::default(), Totals::default()),
        };
        out.push(Usage {
            kind,
            totals,
            version_bytes: with.bytes.saturating_sub(totals.bytes),
        });
    }
    Ok(out)
}

/// The quota as JSON: `storage_used`, `storage_max`, `transfer_used`, `transfer_max`
/// (the last two `null` when the server does not say).
pub fn quota_json(q: &Quota) -> Value {
    json!({
        "storage_used": q.storage_used,
        "storage_max": q.storage_max,
        "transfer_used": q.transfer_used,
        "transfer_max": q.transfer_max,
    })
}
