//! A [`PathMatrix`]'s batches evaluated by several threads and handed over in order by one.
//!
//! A large build emits the matrix on one thread beside threads that emit the other files. Those finish first,
//! and the matrix was left to finish alone on one core while the other had little to do; with this, a thread
//! done with its own files evaluates the batches ahead of the one being handed over.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};

use super::{ExplainError, Matrix, PathMatrix, Row};

/// A [`PathMatrix`] whose batches any thread may evaluate ([`SharedBatches::help`]) while one thread hands
/// them over in order ([`SharedBatches::batches`]), as [`PathMatrix::batches`] does alone.
pub struct SharedBatches<'d> {
    paths: PathMatrix<'d>,
    state: Mutex<State>,
    /// Signalled when a batch is evaluated, one is handed over, or the handing over stops.
    changed: Condvar,
}

/// Which batches are claimed, evaluated and handed over.
#[derive(Default)]
struct State {
    /// The first batch no thread has claimed; batches are claimed in order.
    next: usize,
    /// How many batches have been handed over.
    handed: usize,
    /// Batches evaluated by helpers and not yet handed over, by index.
    evaluated: BTreeMap<usize, Result<Vec<Row>, ExplainError>>,
    /// Whether the handing over ended (done, refused by its taker, or failed): helpers stop.
    ended: bool,
}

impl<'d> SharedBatches<'d> {
    /// How many batches past the one being handed over a helper may evaluate: each is a hundred paths' rows,
    /// kept until its turn, so a helper that ran far ahead would hold the matrix the batches exist not to hold.
    const AHEAD: usize = 4;

    /// The batches of `paths`, to be shared.
    pub fn new(paths: PathMatrix<'d>) -> SharedBatches<'d> {
        SharedBatches { paths, state: Mutex::new(State::default()), changed: Condvar::new() }
    }

    /// The rows of batch `index`, as [`PathMatrix::batches`] cuts them.
    fn evaluate(&self, index: usize) -> Result<Vec<Row>, ExplainError> {
        self.paths.rows(self.paths.batch_paths(index))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A thread that panicked while holding the lock left the state as it was between two changes.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands the whole matrix to `take` in order, as [`PathMatrix::batches`] does: each batch as a helper
    /// evaluated it, or evaluated here when no helper has claimed it. Stops when `take` returns `false`.
    ///
    /// # Errors
    ///
    /// The first error of a batch, in order: a generated policy or request the evaluator does not read (a bug).
    pub fn batches(&self, take: &mut dyn FnMut(Matrix) -> bool) -> Result<(), ExplainError> {
        let handed = {
            // Ended however it ends, a panic in `take` included: a helper waiting for room would wait forever.
            let _ending = Ending(self);
            self.hand_over(take)
        };
        match handed? {
            true => {
                take(self.paths.matrix(self.paths.outsider_rows()?));
                Ok(())
            }
            false => Ok(()),
        }
    }

    /// Hands every batch of paths to `take`; `false` when `take` refused one.
    fn hand_over(&self, take: &mut dyn FnMut(Matrix) -> bool) -> Result<bool, ExplainError> {
        for index in 0..self.paths.batch_count() {
            let rows = {
                let mut state = self.lock();
                loop {
                    if let Some(rows) = state.evaluated.remove(&index) {
                        break rows;
                    }
                    if state.next == index {
                        state.next += 1;
                        drop(state);
                        break self.evaluate(index);
                    }
                    // A helper claimed it and is evaluating it.
                    state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            let rows = rows?;
            self.lock().handed = index + 1;
            self.changed.notify_all();
            if !take(self.paths.matrix(rows)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Evaluates batches ahead of the one being handed over, at most [`Self::AHEAD`] of them, until every
    /// batch is claimed or the handing over has ended. For a thread that has nothing else to do: it waits while
    /// it is that far ahead. Returns how many batches it evaluated.
    pub fn help(&self) -> usize {
        let mut evaluated = 0;
        let mut state = self.lock();
        loop {
            if state.ended || state.next >= self.paths.batch_count() {
                return evaluated;
            }
            if state.next >= state.handed + Self::AHEAD {
                state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            let index = state.next;
            state.next += 1;
            drop(state);
            // Should evaluating panic, the batch is answered with an error, so the thread handing over does not
            // wait for it forever; the panic itself reaches whoever joins this thread.
            let claim = Claim { shared: self, index, rows: None };
            let rows = self.evaluate(index);
            claim.answer(rows);
            evaluated += 1;
            state = self.lock();
        }
    }
}

/// Marks the handing over ended when dropped, and wakes the helpers.
struct Ending<'s, 'd>(&'s SharedBatches<'d>);

impl Drop for Ending<'_, '_> {
    fn drop(&mut self) {
        self.0.lock().ended = true;
        self.0.changed.notify_all();
    }
}

/// A batch a helper is evaluating: answered when dropped, with an error if it was not answered by then.
struct Claim<'s, 'd> {
    shared: &'s SharedBatches<'d>,
    index: usize,
    rows: Option<Result<Vec<Row>, ExplainError>>,
}

impl Claim<'_, '_> {
    fn answer(mut self, rows: Result<Vec<Row>, ExplainError>) {
        self.rows = Some(rows);
    }
}

impl Drop for Claim<'_, '_> {
    fn drop(&mut self) {
        let rows = self.rows.take().unwrap_or_else(|| Err(ExplainError(format!("evaluating batch {} of the matrix panicked", self.index))));
        self.shared.lock().evaluated.insert(self.index, rows);
        self.shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{Columns, Evidence};

    #[test]
    fn batches_evaluated_by_helpers_are_the_batches_evaluated_alone() {
        let compiled = compiled();
        let deployment = &compiled.deployment;
        let paths = || PathMatrix::new(deployment, Columns::Capabilities, Evidence::Requests).expect("matrix");
        let mut alone = Vec::new();
        paths()
            .batches(&mut |batch| {
                alone.push(batch.rows);
                true
            })
            .expect("batches");
        assert!(alone.len() > 4, "too few batches to share: {}", alone.len());
        let shared = SharedBatches::new(paths());
        let mut together = Vec::new();
        let helped = std::thread::scope(|scope| {
            let first = scope.spawn(|| shared.help());
            // So that the batches handed over include some the first helper evaluated.
            wait_for_a_helper_to_run_ahead(&shared);
            let second = scope.spawn(|| shared.help());
            shared
                .batches(&mut |batch| {
                    together.push(batch.rows);
                    true
                })
                .expect("batches");
            [first, second].map(|helper| helper.join().expect("helper"))
        });
        assert!(helped[0] >= SharedBatches::AHEAD, "the first helper evaluated {} batches", helped[0]);
        assert_eq!(together, alone);
    }

    #[test]
    fn helpers_stop_when_the_taker_refuses_a_batch() {
        let compiled = compiled();
        let shared = SharedBatches::new(PathMatrix::new(&compiled.deployment, Columns::Capabilities, Evidence::Outcomes).expect("matrix"));
        let mut taken = 0;
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| shared.help());
            shared
                .batches(&mut |_| {
                    taken += 1;
                    false
                })
                .expect("batches");
            helper.join().expect("the helper returns once the handing over ends");
        });
        assert_eq!(taken, 1);
        let state = shared.lock();
        assert!(state.ended);
        assert!(state.next <= 1 + SharedBatches::AHEAD, "a helper ran {} batches ahead", state.next);
    }

    #[test]
    fn helpers_stop_when_the_taker_panics() {
        let compiled = compiled();
        let shared = SharedBatches::new(PathMatrix::new(&compiled.deployment, Columns::Capabilities, Evidence::Outcomes).expect("matrix"));
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| shared.help());
            wait_for_a_helper_to_run_ahead(&shared);
            let taken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shared.batches(&mut |_| panic!("the taker fails"))));
            assert!(taken.is_err());
            // The helper was waiting for room; it returns instead of waiting forever.
            helper.join().expect("helper");
        });
        assert!(shared.lock().ended);
    }

    /// 40 clients, each with a prefix of its own: six batches of seven paths in unit tests.
    fn compiled() -> crate::Compiled {
        crate::emit::tests::many_clients(40, |index| format!("capabilities: [upload, browse], prefix: c{index}/"))
    }

    /// Waits until a helper has claimed as many batches as it may before any is handed over.
    fn wait_for_a_helper_to_run_ahead(shared: &SharedBatches<'_>) {
        let waited = std::time::Instant::now();
        while shared.lock().next < SharedBatches::AHEAD {
            assert!(waited.elapsed() < std::time::Duration::from_secs(60), "the helper claimed no batch");
            std::thread::yield_now();
        }
    }
}
