//! The states of a sign-in, as one value the machine holds.

use std::fmt;

use super::awaiting_answer::AwaitAnswer;
use super::expect::{Expect, Next};
use super::start::Start;
use super::step::Status;
use crate::error::Error;

// Start and Expect are inline: boxing them cost an allocation per request. The size is
// mostly `a` (a U3072) inside the SRP client, and a sign-in holds one state.
#[expect(
    clippy::large_enum_variant,
    reason = "one state per sign-in; no box per request"
)]
pub(super) enum State {
    Start(Start),
    Expect(Expect),
    AwaitAnswer(Box<AwaitAnswer>),
    Done,
    Failed(Error),
}

impl State {
    pub(super) fn status(&self) -> Status {
        match self {
            State::Start(_) => Status::NotStarted,
            State::Expect(expect) => Status::AwaitingResponse(expect.operation()),
            State::AwaitAnswer(_) => Status::AwaitingAnswer,
            State::Done => Status::Done,
            State::Failed(_) => Status::Failed,
        }
    }
}

impl From<Next> for State {
    fn from(next: Next) -> Self {
        match next {
            Next::Expect(expect) => State::Expect(expect),
            Next::AwaitAnswer(pending) => State::AwaitAnswer(pending),
            Next::Done => State::Done,
        }
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Start(start) => write!(f, "Start({:?})", start.flow),
            State::Expect(expect) => write!(f, "Expect({})", expect.operation()),
            State::AwaitAnswer(pending) => write!(f, "AwaitAnswer({})", pending.challenge.name()),
            State::Done => f.write_str("Done"),
            State::Failed(error) => write!(f, "Failed({error})"),
        }
    }
}
