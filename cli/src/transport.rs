//! The HTTP half the library leaves to its users: one blocking POST per request (ureq).

use std::time::Duration;

use cognito_auth::{HttpResponse, Request};
use zeroize::Zeroizing;

use crate::app::{Class, Failure, shown};

/// The longest a single round trip may take (the command's deadline may cut it shorter).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends requests with a shared connection pool.
pub(crate) struct Transport {
    agent: ureq::Agent,
}

/// A response as received, owning its parts.
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    /// Tokens, a Session, a secret code: wiped when dropped (ureq's own buffers are beyond
    /// reach).
    body: Zeroizing<Vec<u8>>,
}

impl Reply {
    /// The view the library's machines read.
    pub(crate) fn response(&self) -> HttpResponse<'_> {
        self.headers.iter().fold(
            HttpResponse::new(self.status, &self.body),
            |response, (name, value)| response.header(name, value),
        )
    }
}

impl Transport {
    pub(crate) fn new() -> Self {
        // The Cognito API never redirects: a 3xx is returned as it is (and refused by `send`),
        // never followed to another host with the request's headers and body.
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        Self {
            agent: config.into(),
        }
    }

    /// POSTs the request and reads the whole reply within `timeout` (at most 30 s); non-2xx
    /// statuses are replies too, except a redirect, which is an error.
    pub(crate) fn send(&self, request: &Request, timeout: Duration) -> Result<Reply, Failure> {
        let mut call = self
            .agent
            .post(request.url())
            .config()
            .timeout_global(Some(timeout.min(REQUEST_TIMEOUT)))
            .build();
        for (name, value) in request.headers() {
            call = call.header(name, value);
        }
        let waiting = Waiting::start(request, timeout.min(REQUEST_TIMEOUT));
        let sent = call.send(request.body());
        drop(waiting);
        let mut response = sent.map_err(|e| network(request, timeout, &e))?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            let location = response
                .headers()
                .get("location")
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            return Err(Failure::of(
                Class::Protocol,
                "redirect",
                format!(
                    "{} answered {status}, a redirect to {}: the Cognito API never redirects, so it \
                 is not followed (check --endpoint)",
                    request.url(),
                    location
                        .as_deref()
                        .map_or_else(|| "(no Location)".into(), shown)
                ),
            ));
        }
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response
            .body_mut()
            .read_to_vec()
            .map_err(|e| network(request, timeout, &e))?;
        Ok(Reply {
            status,
            headers,
            body: Zeroizing::new(body),
        })
    }
}

impl Transport {
    /// One request of managed login or a document fetch (`GET` or a form `POST`) to `url`,
    /// within `timeout` (at most 30 s): any status is a reply, a redirect is not followed and
    /// is refused. `what` names it in errors.
    pub(crate) fn fetch(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        what: &str,
        timeout: Duration,
    ) -> Result<Reply, Failure> {
        let limit = timeout.min(REQUEST_TIMEOUT);
        let failed = |error: &ureq::Error| match error {
            ureq::Error::Timeout(_) => Failure::of(
                Class::Network,
                "timeout",
                format!(
                    "no reply to {what} from {url} within {} s",
                    limit.as_secs().max(1)
                ),
            ),
            other => Failure::of(
                Class::Network,
                "network",
                format!("cannot reach {url} ({what}): {}", shown(&other.to_string())),
            ),
        };
        let sent = if method == "GET" {
            let mut call = self
                .agent
                .get(url)
                .config()
                .timeout_global(Some(limit))
                .build();
            for (name, value) in headers {
                call = call.header(*name, *value);
            }
            call.call()
        } else {
            let mut call = self
                .agent
                .post(url)
                .config()
                .timeout_global(Some(limit))
                .build();
            for (name, value) in headers {
                call = call.header(*name, *value);
            }
            call.send(body)
        };
        let mut response = sent.map_err(|e| failed(&e))?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(Failure::of(
                Class::Protocol,
                "redirect",
                format!("{url} answered {status}, a redirect, to {what}: not followed"),
            ));
        }
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_vec()
            .map_err(|e| failed(&e))?;
        Ok(Reply {
            status,
            headers,
            body: Zeroizing::new(body),
        })
    }
}

/// A transport error as the command line says it (class "network"): a timeout names the
/// limit and the option that sets it, not ureq's "timeout: global".
fn network(request: &Request, timeout: Duration, error: &ureq::Error) -> Failure {
    let operation = request.operation();
    let url = request.url();
    match error {
        ureq::Error::Timeout(_) => Failure::of(
            Class::Network,
            "timeout",
            format!(
                "no reply to {operation} from {url} within {} s (a round trip may take up to \
                 {} s; the whole command --timeout)",
                timeout.min(REQUEST_TIMEOUT).as_secs().max(1),
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        other => Failure::of(
            Class::Network,
            "network",
            format!(
                "cannot reach {url} ({operation}): {}",
                shown(&other.to_string())
            ),
        ),
    }
}

/// While a request is out for more than a few seconds, says so on a terminal (once), so a
/// slow service does not look like a hung command.
struct Waiting {
    done: Option<std::sync::mpsc::Sender<()>>,
}

impl Waiting {
    const AFTER: Duration = Duration::from_secs(3);

    fn start(request: &Request, limit: Duration) -> Self {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() || limit <= Self::AFTER {
            return Self { done: None };
        }
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let text = format!(
            "Waiting for the reply to {} from {} (up to {} s more; Ctrl-C to stop)…",
            request.operation(),
            request.url(),
            (limit - Self::AFTER).as_secs()
        );
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(Self::AFTER)
            {
                eprintln!("{text}");
            }
        });
        Self { done: Some(done) }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
    }
}
