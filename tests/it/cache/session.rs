//! The saved session: file and directory modes, resume in a new client without a login,
//! the API URL precedence, the login log and the 3-second guard, logout.

use std::os::unix::fs::PermissionsExt;

use super::{client, Env, EMAIL, PASSWORD};
use megash::session::{self, SavedSession, SessionError, StateDir};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn login_saves_a_private_session_that_resumes_without_login() {
    let env = Env::new().await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("deep/megash");
    let state = StateDir::at(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("cache")), 0o700);
    assert!(SavedSession::load(&state).unwrap().is_none());

    let c = client(&env.sim);
    let saved = session::login(&state, &c, EMAIL, PASSWORD, None, false)
        .await
        .unwrap();
    assert_eq!(mode(&state.session_file()), 0o600);
    assert_eq!(mode(&state.login_log()), 0o600);
    let text = std::fs::read_to_string(state.session_file()).unwrap();
    assert!(text.contains(&saved.session.user_handle));
    assert!(!format!("{saved:?}").contains(&saved.session.sid_b64()));

    // Later processes: load and resume, no login.
    let logins = env.logins();
    for _ in 0..5 {
        let loaded = SavedSession::load(&state).unwrap().unwrap();
        assert_eq!(loaded, saved);
        let resumed = resume(&loaded).await.unwrap();
        assert_eq!(resumed.api_url(), env.sim.url);
        resumed.user_info().await.unwrap();
        let cache = state.open_cache(&loaded.session.user_handle).unwrap();
        cache.catch_up(&resumed).await.unwrap();
    }
    assert_eq!(env.logins(), logins, "resuming must not log in");

    // Saving again replaces atomically, still 0600, no temporary files left behind.
    saved.save(&state).unwrap();
    assert_eq!(mode(&state.session_file()), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty());

    // Logout: server session ended, session file and cache gone.
    let resumed = resume(&saved).await.unwrap();
    let cache_file = state.cache_file(&saved.session.user_handle);
    assert!(cache_file.exists());
    session::logout(&state, &resumed, false).await.unwrap();
    assert!(SavedSession::load(&state).unwrap().is_none());
    assert!(!cache_file.exists());
    assert!(
        resume(&saved).await.is_err(),
        "the server ended the session"
    );
}

#[tokio::test]
async fn cache_database_and_its_companions_are_private() {
    let env = Env::new().await;
    let cache = env.cache();
    cache.populate(&env.client).await.unwrap();
    // While the connection is open, SQLite's -wal and -shm files exist (from its first read
    // after a first fetch, which is written with a rollback journal).
    assert!(cache.node_count().unwrap() > 0);
    let db = cache.path().to_path_buf();
    let with = |suffix: &str| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        std::path::PathBuf::from(p)
    };
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode(&with(suffix)), 0o600, "{suffix}");
    }
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    drop(cache);
    // Files someone loosened are tightened at the next open.
    for suffix in ["", "-wal", "-shm"] {
        let p = with(suffix);
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let cache = env.cache();
    assert!(cache.is_populated().unwrap());
    for suffix in ["", "-wal", "-shm"] {
        let p = with(suffix);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{suffix}");
        }
    }
}

#[tokio::test]
async fn login_guard_and_log() {
    let env = Env::new().await;
    let home = tempfile::tempdir().unwrap();
    let state = StateDir::at(home.path()).unwrap();
    let c = client(&env.sim);
    session::login(&state, &c, EMAIL, PASSWORD, None, false)
        .await
        .unwrap();
    let before = env.logins();
    // Immediately again: refused without contacting the server.
    let r = session::login(&state, &c, EMAIL, PASSWORD, None, false).await;
    match r {
        Err(e @ SessionError::TooFast { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("--force") && msg.contains(EMAIL), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.logins(), before);
    // Another account is not affected; forcing works.
    session::check_login_rate(&state, "someone@else.example", false).unwrap();
    let r = session::login(&state, &c, EMAIL, "wrong password", None, true).await;
    assert!(r.is_err());
    session::login(&state, &c, EMAIL, PASSWORD, None, true)
        .await
        .unwrap();

    let log = session::login_records(&state);
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log
        .iter()
        .all(|r| r.account == EMAIL && r.api_url == env.sim.url));
    assert_eq!(log[0].result, "ok");
    assert!(
        log[1].code.is_some() && log[1].result != "ok",
        "{:?}",
        log[1]
    );
    let text = std::fs::read_to_string(state.login_log()).unwrap();
    assert!(!text.contains(PASSWORD) && !text.contains("wrong password"));
}

#[tokio::test]
async fn damaged_session_file_is_an_error_not_a_crash() {
    let home = tempfile::tempdir().unwrap();
    let state = StateDir::at(home.path()).unwrap();
    std::fs::write(state.session_file(), b"{\"version\":1,").unwrap();
    assert!(matches!(
        SavedSession::load(&state),
        Err(SessionError::Corrupt(_))
    ));
    SavedSession::delete(&state).unwrap();
    assert!(SavedSession::load(&state).unwrap().is_none());
}

#[test]
fn a_world_readable_state_dir_is_tightened() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("s");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    StateDir::at(&dir).unwrap();
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn megash_home_chooses_the_state_dir() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("from-env");
    // Only this test reads MEGASH_HOME in this process.
    std::env::set_var("MEGASH_HOME", &dir);
    let state = StateDir::default_path().map(StateDir::at);
    std::env::remove_var("MEGASH_HOME");
    let state = state.unwrap().unwrap();
    assert_eq!(state.path(), dir);
    assert_eq!(mode(&dir), 0o700);
}

/// A client for a saved session, resumed without a login (what a later process does).
async fn resume(saved: &SavedSession) -> megash::api::Result<megash::api::Client> {
    let client = session::client_for(&session::saved_api_url(saved))?;
    client.resume(&saved.session).await?;
    Ok(client)
}
