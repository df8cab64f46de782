//! `cognito-auth serve`: the local user pool over HTTP, for other apps and tests.

use std::path::PathBuf;
use std::sync::mpsc;

use cognito_auth_testkit::{ClientConfig, Config, Pool, Server};
use serde_json::json;

use crate::app::{Class, Failure, now, out, shown};

/// Options of `serve`.
#[derive(Clone, clap::Args)]
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
    /// A pool configuration file (format: testkit/README.md). Default: one public app client,
    /// in pool --pool-id when given.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// The pool `serve` runs without a configuration file.
pub(crate) fn default_config() -> Config {
    Config::new("us-east-1_LocalPool1").with_client(
        ClientConfig::new("localclient0000000001")
            .allow_user_password_auth()
            // `cognito-auth login`'s loopback redirect, any port (RFC 8252 §7.3).
            .with_managed_login("http://127.0.0.1/callback"),
    )
}

/// The `ExplicitAuthFlows` values an app client may have.
const AUTH_FLOWS: &[&str] = &[
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
];

/// Refuses a configuration nobody could use, or that says something the pool would ignore.
fn check(config: &Config, origin: &str) -> Result<(), Failure> {
    let invalid =
        |message: String| Failure::of(Class::Usage, "config", format!("{origin}: {message}"));
    if config.clients.is_empty() {
        return Err(invalid(
            "no app clients (\"clients\": [{\"client_id\": ...}]): nobody could sign in to \
             the pool"
                .into(),
        ));
    }
    for client in &config.clients {
        // The same checks an app's configuration gets: `<region>_<id>` and a client id.
        cognito_auth::PoolConfig::new(config.pool_id.as_str(), client.client_id.as_str())
            .map_err(|e| invalid(e.to_string()))?;
        if let Some(flow) = client
            .explicit_auth_flows
            .iter()
            .find(|flow| !AUTH_FLOWS.contains(&flow.as_str()))
        {
            return Err(invalid(format!(
                "client {}: unknown explicit auth flow {} (known: {})",
                shown(&client.client_id),
                shown(flow),
                AUTH_FLOWS.join(", ")
            )));
        }
    }
    Ok(())
}

pub(crate) fn run(args: &ServeArgs, pool_id: Option<&str>) -> Result<(), Failure> {
    let (config, origin) = match &args.config {
        Some(path) => {
            let text = crate::files::read_file(path)?;
            let config: Config = serde_json::from_str(&text).map_err(|e| {
                Failure::of(Class::Usage, "config", format!("{}: {e}", path.display()))
            })?;
            (config, path.display().to_string())
        }
        None => {
            let mut config = default_config();
            if let Some(pool_id) = pool_id {
                config.pool_id = pool_id.to_owned();
            }
            (config, "--pool-id".to_owned())
        }
    };
    // --pool-id (or COGNITO_POOL_ID) names the pool served: never serve another one.
    if let Some(pool_id) = pool_id {
        if pool_id != config.pool_id {
            return Err(Failure::usage(format!(
                "--pool-id (or COGNITO_POOL_ID) is {}, but {origin} configures pool {}: drop \
                 one, or make them the same",
                shown(pool_id),
                shown(&config.pool_id)
            )));
        }
    }
    check(&config, &origin)?;
    let clients: Vec<_> = config
        .clients
        .iter()
        .map(|c| json!({"client_id": c.client_id, "client_secret": c.client_secret}))
        .collect();
    let pool_id = config.pool_id.clone();
    // The testkit's error already says "invalid pool configuration".
    let pool = Pool::new(config, now().as_secs(), &mut cognito_auth_testkit::OsRng)
        .map_err(|e| Failure::of(Class::Usage, "config", format!("{origin}: {e}")))?;
    let server = Server::builder(pool)
        .allow_remote(args.allow_remote)
        .start((args.host, args.port))
        .map_err(|e| {
            let address = std::net::SocketAddr::from((args.host, args.port));
            let class = match e.kind() {
                std::io::ErrorKind::PermissionDenied => Class::Usage,
                _ => Class::Network,
            };
            Failure::of(
                class,
                "listen",
                format!(
                    "cannot serve on {address}: {e} (--host, --port; --port 0 picks a free one)"
                ),
            )
        })?;
    // Signals are caught before the address is announced: a script may stop us right after.
    let (stop, stopped) = mpsc::channel();
    crate::terminal::stop_on_signal(stop)?;
    // The first line on stdout says where the pool is, for scripts.
    let announced =
        out(&json!({"endpoint": server.url(), "pool_id": pool_id, "clients": clients}).to_string());
    if announced.is_ok() {
        let _ = stopped.recv();
    }
    server.shutdown();
    announced
}
