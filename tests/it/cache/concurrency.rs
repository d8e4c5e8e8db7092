//! Several users of one cache file at once (each with its own connection, as separate
//! processes have): catch-ups and reads interleaved with changes on the server. Nothing may
//! be corrupted or lost: at the end every user's view equals the server's tree.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{dump, root, server_dump, Env};
use megash::cache::Cache;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_catch_up_and_reads_lose_nothing() {
    let env = Env::new().await;
    let c = &env.client;
    let first = env.cache();
    first.populate(c).await.unwrap();
    let r = root(&first);
    let session = c.session().unwrap();
    let path = first.path().to_path_buf();
    let user = env.user();
    let url = env.sim.url.clone();

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (session, path, user, url, stop) = (
            session.clone(),
            path.clone(),
            user.clone(),
            url.clone(),
            stop.clone(),
        );
        workers.push(std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let client = megash::api::Client::new(&url).unwrap();
                client.resume(&session).await.unwrap();
                let mut rounds = 0u32;
                loop {
                    // A fresh open each round, like a one-shot command.
                    let cache = Cache::open_file(&path, &user).unwrap();
                    cache.catch_up(&client).await.unwrap();
                    let kids = cache.children(r).unwrap();
                    let mut names: Vec<_> = kids.iter().filter_map(|k| k.name.clone()).collect();
                    let sorted = {
                        let mut s = names.clone();
                        s.sort();
                        s
                    };
                    assert_eq!(names, sorted, "children come sorted");
                    names.dedup();
                    rounds += 1;
                    if stop.load(Ordering::SeqCst) {
                        // One last catch-up after the writer finished.
                        cache.catch_up(&client).await.unwrap();
                        return (rounds, dump(&cache));
                    }
                }
            })
        }));
    }

    // Meanwhile another session changes the tree.
    let other = env.other().await;
    let mut made = Vec::new();
    for i in 0..15 {
        let f = other.create_folder(r, &format!("f{i:02}")).await.unwrap();
        if i % 3 == 0 {
            other.rename(&f, &format!("renamed{i:02}")).await.unwrap();
        }
        if i % 4 == 1 {
            if let Some(prev) = made.last() {
                other.move_node(f.handle, *prev).await.unwrap();
            }
        }
        if i % 5 == 4 {
            other.delete(f.handle).await.unwrap();
        } else {
            made.push(f.handle);
        }
    }
    stop.store(true, Ordering::SeqCst);

    let want = server_dump(c).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    for w in workers {
        assert!(Instant::now() < deadline);
        let (rounds, got) = w.join().expect("worker panicked");
        assert!(rounds >= 1);
        assert_eq!(got, want, "a worker's final view differs from the server");
    }
    first.catch_up(c).await.unwrap();
    assert_eq!(dump(&first), want);
    assert_eq!(first.node_count().unwrap() as usize, want.len());
}
