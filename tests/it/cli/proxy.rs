//! `proxy`: a configured proxy carries every request (API and transfers) to a server whose
//! name only the proxy can reach; `--none` connects directly again (and then that name does
//! not resolve); the settings survive between commands and hide the password.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::{fixture, ok, Env, EMAIL, PASSWORD};
use crate::support::Sim;

/// A forward HTTP proxy on 127.0.0.1 that sends every request, whatever host it names, to
/// 127.0.0.1 on the port it names; counts the connections it served.
fn start_proxy() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::Relaxed);
            std::thread::spawn(move || {
                let _ = relay(client);
            });
        }
    });
    (port, served)
}

/// One client connection: read the first request's head, connect to the port its absolute
/// URL names, send the head on in origin form, then copy both ways.
fn relay(client: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    let rest = target.strip_prefix("http://").unwrap_or(target);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let port = authority.rsplit(':').next().unwrap_or("80");
    let mut upstream = TcpStream::connect(format!("127.0.0.1:{port}"))?;
    write!(upstream, "{method} {path} {version}\r\n")?;
    // Whatever the reader already buffered (headers, maybe body) goes on as it is.
    upstream.write_all(reader.buffer())?;
    let mut back = upstream.try_clone()?;
    let mut client_w = client.try_clone()?;
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut back, &mut client_w);
    });
    let mut rest_in = reader.into_inner();
    let _ = std::io::copy(&mut rest_in as &mut dyn Read, &mut upstream);
    let _ = upstream.shutdown(std::net::Shutdown::Write);
    let _ = t.join();
    Ok(())
}

#[test]
fn a_configured_proxy_carries_every_request() {
    let sim = Sim::start();
    sim.add_user(EMAIL, PASSWORD, &[]);
    fixture(&sim, &["Docs/", "Docs/a.txt"]);
    let (proxy_port, served) = start_proxy();
    let port = sim.url.rsplit(':').next().unwrap().trim_end_matches('/');
    // A name nothing resolves: only the proxy gets there.
    let env = Env {
        api_url: Some(format!("http://megasim.invalid:{port}/")),
        ..Env::new()
    };
    assert_eq!(env.run(&["proxy"]), ok("No proxy configuration found\n"));
    assert_eq!(
        env.run(&[
            "proxy",
            &format!("127.0.0.1:{proxy_port}"),
            "--username=me",
            "--password=secret"
        ]),
        ok(&format!(
            "Proxy set: 127.0.0.1:{proxy_port} type = CUSTOM\n"
        ))
    );
    assert_eq!(
        env.run(&["proxy"]),
        ok(&format!(
            "Proxy configured. \n Type = CUSTOM\n URL = 127.0.0.1:{proxy_port}\n username = me\n password = (set)\n"
        ))
    );
    assert_eq!(env.run(&["login", EMAIL, PASSWORD]), ok(""));
    assert_eq!(env.run(&["cat", "/Docs/a.txt"]), ok("Docs/a.txt"));
    assert!(
        served.load(Ordering::Relaxed) >= 2,
        "the proxy carried the requests"
    );
    assert_eq!(env.run(&["proxy", "--none"]), ok("Proxy unset correctly\n"));
    assert_eq!(env.run(&["proxy"]), ok("Proxy disabled\n"));
    let direct = super::snapshot(
        env.command(&crate::support::megash_bin())
            .env("MEGASH_RETRIES", "0")
            .arg("reload")
            .output()
            .unwrap(),
    );
    assert!(!direct.starts_with("exit: 0"), "{direct}");
}
