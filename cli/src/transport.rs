//! The HTTP half the library leaves to its users: one blocking POST per request (ureq).

use std::time::Duration;

use cognito_auth::{HttpResponse, Request};

use crate::app::Failure;

/// Sends requests with a shared connection pool.
pub(crate) struct Transport {
    agent: ureq::Agent,
}

/// A response as received, owning its parts.
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
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
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build();
        Self {
            agent: config.into(),
        }
    }

    /// POSTs the request and reads the whole reply; non-2xx statuses are replies too.
    pub(crate) fn send(&self, request: &Request) -> Result<Reply, Failure> {
        let mut call = self.agent.post(request.url());
        for (name, value) in request.headers() {
            call = call.header(name, value);
        }
        let mut response = call
            .send(request.body())
            .map_err(|e| Failure::new(format!("cannot reach {}: {e}", request.url())))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response.body_mut().read_to_vec().map_err(|e| {
            Failure::new(format!("cannot read the reply from {}: {e}", request.url()))
        })?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}
