use futures::io::Cursor;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let origin = url::Url::parse(&std::env::var("MEGASIM_URL").unwrap()).unwrap();
    let email = std::env::var("MEGA_EMAIL").unwrap();
    let password = std::env::var("MEGA_PASSWORD").unwrap();
    let mut mega = mega::Client::builder().origin(origin).build(reqwest::Client::new()).unwrap();
    mega.login(&email, &password, None).await.expect("login");
    println!("login ok");
    let info = mega.get_current_user_info().await.expect("ug");
    println!("user {:?}", info.email);
    let q = mega.get_storage_quotas().await.expect("uq");
    println!("quota {:?}", q);
    let nodes = mega.fetch_own_nodes().await.expect("f");
    let root = nodes.cloud_drive().expect("root").clone();
    mega.create_folder(&root, "rs-dir").await.expect("mkdir");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    mega.upload_node(&root, "rs.bin", data.len() as u64, Cursor::new(data.clone()), mega::LastModified::Now)
        .await
        .expect("upload");
    let mut nodes = mega.fetch_own_nodes().await.expect("f2");
    let file = nodes.get_node_by_path("/Root/rs.bin").expect("uploaded file").clone();
    let dir = nodes.get_node_by_path("/Root/rs-dir").expect("dir").clone();
    let mut out = Vec::new();
    mega.download_node(&file, &mut out).await.expect("download");
    assert_eq!(out, data, "download differs");
    println!("download ok");
    mega.rename_node(&file, "rs-renamed.bin").await.expect("rename");
    mega.move_node(&file, &dir).await.expect("move");
    let events = mega.wait_events(&nodes).await.expect("events");
    nodes.apply_events(events).expect("apply");
    println!("after events: {:?}", nodes.get_node_by_path("/Root/rs-dir/rs-renamed.bin").map(|n| n.name().to_string()));
    let nodes = mega.fetch_own_nodes().await.expect("f3");
    let moved = nodes.get_node_by_path("/Root/rs-dir/rs-renamed.bin").expect("moved+renamed").clone();
    mega.delete_node(&moved).await.expect("delete");
    let session = mega.serialize_session().await.expect("serialize");
    mega.logout().await.expect("logout");
    let mut again = mega::Client::builder()
        .origin(url::Url::parse(&std::env::var("MEGASIM_URL").unwrap()).unwrap())
        .build(reqwest::Client::new())
        .unwrap();
    let _ = again.resume_session(&session).await.map(|_| println!("resume unexpectedly worked after logout")).map_err(|e| println!("resume after logout fails as expected: {e}"));
    println!("OK");
}
