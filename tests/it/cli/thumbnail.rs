//! Thumbnails and previews: `put` of an image makes both (a 200×200 centre square and a
//! preview fitting 1000×1000) and attaches them; another MEGA client (the `mega` crate)
//! downloads the thumbnail and it decodes as that image; `thumbnail`/`preview` save them and
//! `-s` replaces them; `graphics off` stops making them; files that are not images get none.

use std::time::Duration;

use super::{ok, World, EMAIL, PASSWORD};

/// A 1600×400 PNG: blue with a red centre square, so a centre crop is all red.
fn write_png(path: &std::path::Path) {
    let mut img = image::RgbImage::new(1600, 400);
    for (x, _, p) in img.enumerate_pixels_mut() {
        *p = if (600..1000).contains(&x) {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        };
    }
    img.save(path).unwrap();
}

/// The thumbnail of `/P/<name>` as the `mega` crate downloads it.
fn peer_thumbnail(w: &World, name: &str) -> Vec<u8> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = mega::Client::builder()
            .origin(url::Url::parse(&w.sim.url).unwrap())
            .max_retries(3)
            .timeout(Some(Duration::from_secs(30)))
            .build(reqwest::Client::new())
            .unwrap();
        c.login(EMAIL, PASSWORD, None).await.unwrap();
        let nodes = c.fetch_own_nodes().await.unwrap();
        let node = nodes
            .get_node_by_path(&format!("/Root/P/{name}"))
            .unwrap_or_else(|| panic!("{name} not listed"));
        let mut out = Vec::new();
        c.download_thumbnail(node, &mut out).await.unwrap();
        out
    })
}

#[test]
fn uploads_of_images_get_pictures_other_clients_show() {
    let w = World::new(&["P/"]);
    let home = w.env.home.path();
    write_png(&home.join("wide.png"));
    std::fs::write(home.join("notes.txt"), "not an image").unwrap();
    assert_eq!(
        w.run(&["put", "wide.png", "notes.txt", "/P"]),
        ok("Upload finished: wide.png\nUpload finished: notes.txt\n")
    );
    let thumb = megash::graphics::load_bytes(&peer_thumbnail(&w, "wide.png")).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (200, 200));
    let px = thumb.to_rgb8().get_pixel(10, 100).0;
    assert!(px[0] > 200 && px[2] < 60, "the centre square: {px:?}");
    // Our own commands read them back.
    assert_eq!(
        w.run(&["thumbnail", "/P/wide.png", "t.jpg"]),
        ok("Thumbnail for /P/wide.png saved in t.jpg\n")
    );
    let t = megash::graphics::load(&home.join("t.jpg")).unwrap();
    assert_eq!((t.width(), t.height()), (200, 200));
    assert_eq!(
        w.run(&["preview", "/P/wide.png", "p.jpg"]),
        ok("Preview for /P/wide.png saved in p.jpg\n")
    );
    let p = megash::graphics::load(&home.join("p.jpg")).unwrap();
    assert_eq!((p.width(), p.height()), (1000, 250));
    let none = w.run(&["thumbnail", "/P/notes.txt", "n.jpg"]);
    assert!(
        none.starts_with("exit: 53\n") && none.contains("has no thumbnail"),
        "{none}"
    );
    // -s makes one from a local image, for any file.
    assert_eq!(
        w.run(&["thumbnail", "-s", "/P/notes.txt", "wide.png"]),
        ok("Thumbnail for /P/notes.txt loaded from wide.png\n")
    );
    let set = megash::graphics::load_bytes(&peer_thumbnail(&w, "notes.txt")).unwrap();
    assert_eq!((set.width(), set.height()), (200, 200));
    assert_eq!(w.run(&["graphics"]), ok("Graphic features enabled\n"));
    assert_eq!(
        w.run(&["graphics", "off"]),
        ok("Graphic features disabled\n")
    );
    std::fs::rename(home.join("wide.png"), home.join("plain.png")).unwrap();
    assert_eq!(
        w.run(&["put", "plain.png", "/P"]),
        ok("Upload finished: plain.png\n")
    );
    let none = w.run(&["preview", "/P/plain.png", "x.jpg"]);
    assert!(none.contains("has no preview"), "{none}");
}
