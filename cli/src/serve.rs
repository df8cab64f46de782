//! `cognito-auth serve`: the local user pool over HTTP, for other apps and tests.

use std::path::PathBuf;
use std::sync::mpsc;

use cognito_auth_testkit::{ClientConfig, Config, Pool, Server};
use serde_json::json;

use crate::app::{Failure, now};

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ServeArgs {
    /// The port; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to listen on. Anything but loopback (127.0.0.0/8, ::1) also needs
    /// --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Serve on a non-loopback --host. The pool is for tests: no authentication, every code
    /// it "sends" listed at /_testkit/outbox, tokens signed with a published key.
    #[arg(long)]
    allow_remote: bool,
    /// A pool configuration file (format: testkit/README.md). Default: one public app client.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// The pool `serve` runs without a configuration file.
pub(crate) fn default_config() -> Config {
    Config::new("us-east-1_LocalPool1")
        .with_client(ClientConfig::new("localclient0000000001").allow_user_password_auth())
}

pub(crate) fn run(args: &ServeArgs) -> Result<(), Failure> {
    let config = match &args.config {
        Some(path) => {
            Config::from_path(path).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?
        }
        None => default_config(),
    };
    let clients: Vec<_> = config
        .clients
        .iter()
        .map(|c| json!({"client_id": c.client_id, "client_secret": c.client_secret}))
        .collect();
    let pool_id = config.pool_id.clone();
    let pool = Pool::new(config, now().as_secs(), &mut cognito_auth_testkit::OsRng)
        .map_err(|e| Failure::new(format!("invalid pool configuration: {e}")))?;
    let server = Server::builder(pool)
        .allow_remote(args.allow_remote)
        .start((args.host, args.port))?;
    // The first line on stdout says where the pool is, for scripts.
    println!(
        "{}",
        json!({"endpoint": server.url(), "pool_id": pool_id, "clients": clients})
    );
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| Failure::new(format!("cannot install the signal handler: {e}")))?;
    let _ = stopped.recv();
    server.shutdown();
    Ok(())
}
