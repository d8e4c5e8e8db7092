//! A guided tour with no MEGA account and no network: megasim runs embedded in this process on
//! 127.0.0.1, and the client library walks through what a user does with MEGA.
//!
//! Run: `cargo run --release --example tour`

use megash::api::link::{self, PublicLink};
use megash::api::{Client, Node, NodeType, ScResult};
use megash::sim::{accounts, faults::Faults, server};
use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

const EMAIL: &str = "demo@megasim.local";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("megasim");
    std::fs::create_dir_all(&data)?;

    // The account is made the way MEGA's web client makes one: v2 salt, PBKDF2, RSA pair.
    let user = accounts::NewUser {
        email: EMAIL,
        password: PASSWORD,
        v1: false,
        no_keys: false,
        mfa: None,
        name: Some("Demo"),
    };
    accounts::add_user(&data, &user)?;
    let url = start_megasim(&data)?;
    println!("megasim: {url} (data in {})", data.display());

    let client = Client::new(&url)?;
    let session = client.login(EMAIL, PASSWORD, None).await?;
    println!(
        "login:   {} (v2 account, RSA session id decrypted)",
        session.email
    );
    let quota = client.quota().await?;
    println!(
        "quota:   {} of {} bytes used",
        quota.storage_used, quota.storage_max
    );

    let tree = client.fetch_nodes().await?;
    let root = find(&tree.nodes, |n| n.kind == NodeType::Root)?.handle;
    let docs = client.create_folder(root, "Documents").await?;
    println!("mkdir:   /Documents");

    let original: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let src = dir.path().join("report.bin");
    std::fs::write(&src, &original)?;
    let started = Instant::now();
    let file = client.upload_file(root, &src, None).await?;
    println!(
        "upload:  /report.bin, {} bytes encrypted client-side in {:?}",
        file.size,
        started.elapsed()
    );

    list(&client).await?;

    let back = dir.path().join("report.downloaded");
    client.download(&file, &back).await?;
    assert_eq!(std::fs::read(&back)?, original);
    println!("get:     report.bin downloaded, MAC verified, bytes identical");

    client.rename(&file, "report-2026.bin").await?;
    client.move_node(file.handle, docs.handle).await?;
    println!("mv:      /report.bin -> /Documents/report-2026.bin");

    let export = client.export(&file, &[]).await?;
    let url_text = export.url();
    println!("export:  {url_text}");
    if let Ok(PublicLink::File {
        handle,
        key: Some(key),
    }) = link::parse(&url_text)
    {
        let anonymous = Client::new(&url)?;
        let via_link = dir.path().join("via-link.bin");
        let info = anonymous.download_public(&handle, &key, &via_link).await?;
        assert_eq!(std::fs::read(&via_link)?, original);
        println!(
            "link:    downloaded {:?} ({} bytes) without logging in",
            info.name.unwrap_or_default(),
            info.size
        );
    }

    match client.poll_changes(&tree.sn).await? {
        ScResult::Packets { packets, .. } => {
            println!(
                "sc:      {} action packets since the first fetch",
                packets.len()
            )
        }
        ScResult::Wait { .. } => println!("sc:      nothing new"),
    }

    client.delete(docs.handle).await?;
    println!("rm:      /Documents deleted with its contents");
    list(&client).await?;

    client.logout().await?;
    println!("logout:  session closed on the server");
    Ok(())
}

/// Run megasim on its own thread (it owns its runtime) and wait for its address.
fn start_megasim(data: &Path) -> Result<String, Box<dyn Error>> {
    let dir = data.to_path_buf();
    let listen = "127.0.0.1:0".parse()?;
    std::thread::spawn(move || server::serve(dir, listen, Faults::default()));
    let url_file = data.join("megasim.url");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(url) = std::fs::read_to_string(&url_file) {
            if !url.trim().is_empty() {
                return Ok(url.trim().to_string());
            }
        }
        if Instant::now() > deadline {
            return Err("megasim did not start within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

async fn list(client: &Client) -> Result<(), Box<dyn Error>> {
    let tree = client.fetch_nodes().await?;
    let root = find(&tree.nodes, |n| n.kind == NodeType::Root)?.handle;
    println!("ls /:");
    for n in tree.nodes.iter().filter(|n| n.parent == Some(root)) {
        let kind = if n.is_folder() { "d" } else { "-" };
        println!(
            "  {kind} {:>10}  {}",
            n.size,
            n.name.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}

fn find(nodes: &[Node], pred: impl Fn(&Node) -> bool) -> Result<&Node, Box<dyn Error>> {
    nodes
        .iter()
        .find(|n| pred(n))
        .ok_or_else(|| "node not found".into())
}
