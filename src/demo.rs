//! `megash --demo`: the product itself in one command, with no MEGA account and no network.
//! megasim runs inside this process on 127.0.0.1, a fresh account gets a few folders and
//! files (uploaded by megash's own commands, so they are real encrypted MEGA nodes), and the
//! shell opens on it. Standard input that is not a terminal (a pipe, CI) runs as a batch on
//! the same account, or a short built-in script when it is empty. Everything lives in one
//! private temporary folder that is removed on the way out.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{code, CmdError};
use crate::session::create_private_dir;
use crate::sim::{accounts, faults::Faults, server};
use crate::ui::Ui;

/// The demo account.
pub const EMAIL: &str = "demo@megash.test";
/// Its password.
pub const PASSWORD: &str = "demo password";

/// What a piped demo with no input of its own runs: one of each kind of command.
const SCRIPT: &str = "\
whoami
ls -l
tree
get /Docs/welcome.txt
cat /Docs/welcome.txt
mkdir /Backup
put welcome.txt /Backup
cp /Movies/trailer.mp4 ./Videos/
export -a -f /Photos
find / --pattern=*.jpg
du -h /
df -h
";

/// The temporary folder, removed when the demo ends (however it ends short of a kill).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the demo; returns the exit status.
pub fn run(ui: &mut Ui, keep_going: bool) -> u8 {
    match start(ui) {
        Ok((scratch, url)) => {
            let status = session(ui, &scratch.0, &url, keep_going);
            drop(scratch);
            status
        }
        Err(e) => {
            ui.report(&e);
            e.exit_code()
        }
    }
}

fn unexpected(what: &str) -> impl FnOnce(String) -> CmdError + '_ {
    move |e| CmdError::Unexpected(format!("demo: {what}: {e}"))
}

/// Make the folder, the account and the server; point this process at them.
fn start(ui: &mut Ui) -> Result<(Scratch, String), CmdError> {
    let dir = std::env::temp_dir().join(format!("megash-demo-{}", std::process::id()));
    create_private_dir(&dir)?;
    let scratch = Scratch(dir.clone());
    let data = dir.join("megasim");
    create_private_dir(&data)?;
    accounts::add_user(
        &data,
        &accounts::NewUser {
            email: EMAIL,
            password: PASSWORD,
            v1: false,
            no_keys: false,
            mfa: None,
            name: Some("Demo"),
        },
    )
    .map_err(unexpected("create the account"))?;
    // The environment is set before any thread starts: the server learns its port from a
    // socket bound (and released) here.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| CmdError::io("find a free port on 127.0.0.1", e))?
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    std::env::set_var("MEGA_API_URL", &url);
    std::env::set_var("MEGASH_HOME", dir.join("state"));
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let served = data.clone();
    let options = server::Options {
        quiet: true,
        ..server::Options::default()
    };
    std::thread::spawn(move || server::serve_with(served, listen, Faults::default(), options));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(data.join("megasim.url")).is_ok_and(|u| !u.trim().is_empty()) {
        if Instant::now() > deadline {
            return Err(CmdError::Unexpected(
                "demo: the built-in server did not start within 30 s".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    ui.info(format_args!(
        "Starting the demo: a local MEGA server on {url} ..."
    ));
    fill(&dir)?;
    Ok((scratch, url))
}

/// Local files for the account, uploaded by megash itself.
fn fill(dir: &Path) -> Result<(), CmdError> {
    let seed = dir.join("seed");
    let write = |rel: &str, bytes: &[u8]| -> Result<(), CmdError> {
        let p = seed.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CmdError::io(format!("create {}", parent.display()), e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| CmdError::io(format!("write {}", p.display()), e))
    };
    write(
        "Docs/welcome.txt",
        b"Welcome to megash!\nThis file is encrypted on your machine before it is uploaded, as MEGA does.\n",
    )?;
    write(
        "Docs/notes.md",
        b"# Notes\n- mega-cp /Movies/trailer.mp4 ~/Videos/\n",
    )?;
    // Not a real film: 3 MiB of bytes that do not compress, so transfers show a rate.
    let mut x: u32 = 0x9E37_79B9;
    let film: Vec<u8> = (0..3 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    write("Movies/trailer.mp4", &film)?;
    write("Photos/beach.jpg", &film[..200_000])?;
    write("Photos/Summer/dunes.jpg", &film[200_000..300_000])?;
    let seed_s = seed.display().to_string();
    let lines = [
        format!("login {EMAIL} \"{PASSWORD}\""),
        format!("put \"{seed_s}/Docs\" /"),
        format!("put \"{seed_s}/Movies\" /"),
        format!("put \"{seed_s}/Photos\" /"),
    ];
    let (mut quiet, _, err) = Ui::capture();
    let setup = crate::shell::Batch {
        file: Some("demo setup"),
        ..Default::default()
    };
    let status = crate::shell::run_batch(&mut quiet, lines.join("\n").as_bytes(), setup);
    let _ = std::fs::remove_dir_all(&seed);
    if status != code::OK {
        return Err(CmdError::Unexpected(format!(
            "demo: setting up the account failed:\n{}",
            err.text().trim_end()
        )));
    }
    Ok(())
}

fn session(ui: &mut Ui, dir: &Path, url: &str, keep_going: bool) -> u8 {
    let state = dir.join("state");
    ui.info(format_args!(
        "\
megash demo: account {EMAIL} (password: {PASSWORD}) on megasim at {url}
Everything lives in {} and is removed when you leave.
In another terminal, one-shot commands reach the same account while this runs:
  export MEGA_API_URL={url} MEGASH_HOME={}
  megash ls -l /Docs        (or mega-ls, after: megash install-commands ~/.local/bin)
Try: ls -l, tree, get /Docs/welcome.txt, put FILE /Docs, mega-cp /Movies/trailer.mp4 ~/Videos/,
     export -a -f /Photos, help. Leave with quit or Ctrl-D.",
        dir.display(),
        state.display()
    ));
    if std::io::stdin().is_terminal() {
        return crate::shell::repl(ui);
    }
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        let e = CmdError::io("read standard input", e);
        ui.report(&e);
        return e.exit_code();
    }
    let has_commands = input
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if has_commands {
        let piped = crate::shell::Batch {
            keep_going,
            ..Default::default()
        };
        return crate::shell::run_batch(ui, input.as_bytes(), piped);
    }
    // The built-in script works in the demo's own folder, not wherever it was started.
    let local = dir.join("local");
    let entered = create_private_dir(&local)
        .map_err(CmdError::from)
        .and_then(|()| {
            std::env::set_current_dir(&local)
                .map_err(|e| CmdError::io("enter the demo's local folder", e))
        });
    if let Err(e) = entered {
        ui.report(&e);
        return e.exit_code();
    }
    let prompt = format!("{EMAIL}:$ ");
    let script = crate::shell::Batch {
        keep_going,
        file: Some("demo"),
        echo: Some(&prompt),
    };
    crate::shell::run_batch(ui, SCRIPT.as_bytes(), script)
}
