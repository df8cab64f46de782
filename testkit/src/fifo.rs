//! A turn-taking gate that serves callers first come, first served.
//!
//! The HTTP server handles every operation under one lock on the pool. `std::sync::Mutex`
//! lets a newly arriving thread barge ahead of the ones already asleep on it, so under load a
//! few connections waited many times longer than the rest (p99 three times p50 at 64
//! connections). Here the turn is handed straight to the longest waiter, and each hand-off
//! wakes exactly one thread.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

#[derive(Default)]
pub(crate) struct Fifo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    busy: bool,
    waiting: VecDeque<Arc<Waiter>>,
}

#[derive(Default)]
struct Waiter {
    granted: Mutex<bool>,
    wake: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Holds the turn; passes it on when dropped, also when the closure panicked.
struct Turn<'a>(&'a Fifo);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut state = lock(&self.0.state);
        match state.waiting.pop_front() {
            // `busy` stays true: the turn goes to `next` without a window for a newcomer.
            Some(next) => {
                *lock(&next.granted) = true;
                next.wake.notify_one();
            }
            None => state.busy = false,
        }
    }
}

impl Fifo {
    /// Runs `f` when every caller that arrived earlier has run.
    pub(crate) fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let waiter = {
            let mut state = lock(&self.state);
            if state.busy {
                let waiter = Arc::new(Waiter::default());
                state.waiting.push_back(Arc::clone(&waiter));
                Some(waiter)
            } else {
                state.busy = true;
                None
            }
        };
        if let Some(waiter) = waiter {
            let mut granted = lock(&waiter.granted);
            while !*granted {
                granted = waiter
                    .wake
                    .wait(granted)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        let _turn = Turn(self);
        f()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn callers_run_one_at_a_time_in_arrival_order() {
        let fifo = Arc::new(Fifo::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let inside = Arc::new(Mutex::new(0));
        // The first caller holds the turn while the others queue up one by one.
        let (entered_tx, entered_rx) = std::sync::mpsc::channel();
        let first = {
            let (fifo, order) = (Arc::clone(&fifo), Arc::clone(&order));
            std::thread::spawn(move || {
                fifo.run(|| {
                    entered_tx.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(200));
                    order.lock().unwrap().push(0);
                })
            })
        };
        entered_rx.recv().unwrap();
        let mut others = Vec::new();
        for i in 1..=8 {
            let (gate, order, inside) =
                (Arc::clone(&fifo), Arc::clone(&order), Arc::clone(&inside));
            others.push(std::thread::spawn(move || {
                gate.run(|| {
                    let mut n = inside.lock().unwrap();
                    *n += 1;
                    assert_eq!(*n, 1, "two callers inside at once");
                    drop(n);
                    std::thread::sleep(Duration::from_millis(2));
                    order.lock().unwrap().push(i);
                    *inside.lock().unwrap() -= 1;
                })
            }));
            // Wait until caller i is queued before starting the next one.
            while lock(&fifo.state).waiting.len() < i {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        first.join().unwrap();
        for t in others {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), (0..=8).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_caller_passes_the_turn_on() {
        let fifo = Fifo::default();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            fifo.run(|| panic!("handler bug"))
        }));
        assert!(caught.is_err());
        assert_eq!(fifo.run(|| 7), 7, "the gate is free again");
    }
}
