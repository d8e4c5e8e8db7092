//! What one client can take from megasim: commands per request, answer bytes per request,
//! connections, and the time to send a request's headers.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::client::Raw;
use crate::support::Sim;
use serde_json::json;

#[tokio::test]
async fn a_huge_batch_is_bounded_and_others_are_still_served() {
    let sim = Sim::start();
    sim.add_user("u@example.com", "pw", &[]);
    sim.add_user("v@example.com", "pw", &[]);
    let a = Raw::login(&sim.url, "u@example.com", "pw").await;
    let b = Raw::login(&sim.url, "v@example.com", "pw").await;
    // Past MEGA's own cap the request is refused whole.
    let too_many: Vec<_> = (0..10_001).map(|_| json!({"a":"uq"})).collect();
    assert_eq!(a.batch(json!(too_many)).await, json!(-2));
    // 10 000 `f` in one request: answered (each a whole tree, or -3 once the answer is
    // large), while another account's requests go on.
    let fs: Vec<_> = (0..10_000).map(|_| json!({"a":"f","c":1})).collect();
    let big = tokio::spawn(async move { a.batch(json!(fs)).await });
    let started = Instant::now();
    let mut served = 0;
    while !big.is_finished() && started.elapsed() < Duration::from_secs(60) {
        assert!(b.call(json!({"a":"uq"})).await.is_object());
        served += 1;
    }
    let answer = big.await.unwrap();
    let list = answer.as_array().expect("an array of answers");
    assert_eq!(list.len(), 10_000);
    assert!(list[0].get("f").is_some(), "the first f is answered");
    assert!(list.iter().all(|v| v.get("f").is_some() || *v == json!(-3)));
    assert!(b.call(json!({"a":"uq"})).await.is_object());
    eprintln!("{served} requests of another account served during the batch");
}

#[test]
fn slow_headers_time_out_and_connections_are_capped() {
    let sim = Sim::start_with(&["--header-timeout", "1", "--max-connections", "4"]);
    let addr = sim
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // Four clients that start a request and never finish its headers.
    let mut slow: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"POST /cs HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            s.write_all(&vec![b'a'; 60_000]).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // A fifth is closed at once.
    let mut fifth = TcpStream::connect(&addr).unwrap();
    fifth
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = fifth.write_all(b"GET /cs HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = [0u8; 64];
    assert!(
        matches!(fifth.read(&mut buf), Ok(0) | Err(_)),
        "over the cap"
    );
    // The slow ones are closed by the header timeout.
    let started = Instant::now();
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    }
    assert!(started.elapsed() < Duration::from_secs(8));
    // And the server serves again.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}cs", sim.url))
            .body(r#"[{"a":"us0","user":"x@example.com"}]"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    });
}
