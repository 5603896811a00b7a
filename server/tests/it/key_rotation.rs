//! `parley rotate-keys`: after the master key changes, stored provider keys are re-sealed
//! under the new one, and the old key can go.

use crate::support::binary::{owner_with_provider, parley, Running};
use app::backend::crypto::master_key::MasterKey;
use parley_test_provider::{Handle, Options};
use serde_json::json;

fn rotate(data: &std::path::Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = parley();
    cmd.env("PARLEY_DATA_DIR", data).env(
        "PARLEY_DATABASE_URL",
        format!("sqlite://{}/parley.db", data.display()),
    );
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.arg("rotate-keys").output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_keys_reseals_provider_keys_so_the_old_master_key_can_go() {
    let key = "sk-rotation-test-key-9876";
    let provider = Handle::start(Options {
        api_key: Some(key.into()),
        ..Options::default()
    })
    .await
    .unwrap();
    let (old, new, stranger) = (
        MasterKey::generate().to_base64(),
        MasterKey::generate().to_base64(),
        MasterKey::generate().to_base64(),
    );
    let data = tempfile::tempdir().unwrap();
    let allow = ("PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS", "127.0.0.1");
    let provider_ref = &provider;

    tokio::task::block_in_place(|| {
        let server = Running::start(data.path(), &[allow, ("PARLEY_MASTER_KEY", &old)]);
        let cookie = owner_with_provider(&server, provider_ref, "rotate", key);
        drop(server);

        // A key nobody configured opens nothing: the command says so and changes nothing.
        let out = rotate(data.path(), &[("PARLEY_MASTER_KEY", &stranger)]);
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("1 secrets checked, 0 re-sealed"), "{said}");

        let out = rotate(
            data.path(),
            &[
                ("PARLEY_MASTER_KEY", &new),
                ("PARLEY_PREVIOUS_MASTER_KEYS", &old),
            ],
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("1 secrets checked, 1 re-sealed"), "{said}");
        let all = format!("{said}{}", String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(key) && !all.contains(&old) && !all.contains(&new));

        // Running it again finds nothing left to do.
        let again = rotate(
            data.path(),
            &[
                ("PARLEY_MASTER_KEY", &new),
                ("PARLEY_PREVIOUS_MASTER_KEYS", &old),
            ],
        );
        assert!(String::from_utf8_lossy(&again.stdout).contains("1 secrets checked, 0 re-sealed"));

        // With only the new master key, the provider key still opens: the provider answers.
        let server = Running::start(data.path(), &[allow, ("PARLEY_MASTER_KEY", &new)]);
        let list = server.request(
            "GET",
            "/api/v1/tenants/rotate/providers",
            &[("Cookie", &cookie)],
            None,
        );
        let id = list.json()["items"][0]["id"].as_str().unwrap().to_string();
        let tested = server.request(
            "POST",
            &format!("/api/v1/tenants/rotate/providers/{id}/test"),
            &[("Cookie", &cookie)],
            Some(&json!({})),
        );
        assert_eq!(tested.json()["ok"], true, "{}", tested.body);
    });
}
