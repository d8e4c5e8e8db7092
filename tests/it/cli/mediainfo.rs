//! `mediainfo`: MEGAcmd's table from the media attribute (type 8) another client recorded
//! (made here with the library, the way MEGA's apps encode it), `---` without one, and
//! `Node not found` for a bad path.

use super::{ok, World, EMAIL, PASSWORD};
use megash::crypto::media;

#[test]
fn reads_the_media_attribute() {
    let w = World::new(&["V/", "V/clip.mp4", "V/notes.txt"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = megash::api::Client::new(&w.sim.url).unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_nodes().await.unwrap().nodes;
        let clip = nodes
            .iter()
            .find(|n| n.name.as_deref() == Some("clip.mp4"))
            .unwrap();
        let Some(megash::crypto::keys::NodeKey::File(k)) = clip.key else {
            panic!("no key")
        };
        let info = media::MediaInfo {
            width: 1920,
            height: 1080,
            fps: 30,
            playtime: 754,
            short_format: 1,
        };
        let enc = media::encode(&info, &media::media_key(&k.to_bytes()));
        let fa = format!("8*{}", megash::crypto::b64::encode(&enc));
        c.attach_file_attributes(clip.handle, &fa).await.unwrap();
    });
    let out = w.run(&["mediainfo", "/V/clip.mp4", "/V/notes.txt"]);
    let want = format!(
        "{:<50}{:<7}{:<7}{:<4}{:<10}\n{:<49} {:<6} {:<6} {:<3} {:<10} \n{:<49} {:<6} {:<6} {:<3} {:<10} \n",
        "FILE", "WIDTH", "HEIGHT", "FPS", "PLAYTIME",
        "/V/clip.mp4", "1920", "1080", "30", "12M34s",
        "/V/notes.txt", "---", "---", "---", "---"
    );
    assert_eq!(out, ok(&want));
    let missing = w.run(&["mediainfo", "/V/none.mp4"]);
    assert!(
        missing.starts_with("exit: 53\n") && missing.contains("Node not found: /V/none.mp4"),
        "{missing}"
    );
}
