//! Checking a stream of records on several threads while keeping input
//! order and bounded memory. The reading thread reads records in batches
//! and queues them to be checked; checked batches come back, are triaged on
//! the reading thread in input order and queued again to be rendered;
//! rendered batches are handed on in input order. The reading thread is one
//! of the jobs: whenever it has nothing of its own to do it takes a batch
//! from the queue, so `--jobs 2` is two threads, not three, on two cores.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use crate::engine::Engine;
use crate::finding::Checked;
use crate::input::{RawRecord, ReadContext};

/// Records checked, or rendered, as one piece of work. Large enough that
/// taking a batch from the queue costs nothing next to checking it; small
/// enough that the batches of all the jobs end close together. On 100 k
/// posts with two jobs, 16 and 64 took the same time (6 and 10 paired runs).
pub const BATCH: usize = 32;

/// Batches read and not yet handed on, per job: enough queued that no job
/// waits while the reading thread triages and writes, few enough that the
/// records in flight stay small in memory and in the cores' caches. 4 and
/// 16 took the same time as 8 (6 paired runs each).
const IN_FLIGHT_PER_JOB: usize = 8;

/// How many threads check posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jobs(usize);

impl Jobs {
    /// At most this many threads per core: checking is all computation, so
    /// more threads only cost memory (a stack each) and switching.
    pub const PER_CORE: usize = 4;

    /// `0` means one per core; more than [`Jobs::PER_CORE`] per core is
    /// capped there.
    pub fn new(requested: usize) -> Jobs {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Jobs(if requested == 0 { cores } else { requested.min(Jobs::PER_CORE * cores) })
    }

    pub fn get(self) -> usize {
        self.0
    }
}

/// Parses and checks every record; then, in input order, `triage`s it (on
/// this thread: it may keep counts), `render`s it (on any of the jobs: the
/// bytes a reporter writes, so that writing is all that is left to this
/// thread) and passes both to `emit`. Stops early, returning the error,
/// when `emit` fails (e.g. a closed pipe).
pub fn check_records<Rendered: Send, E>(
    engine: &Engine,
    mut records: impl Iterator<Item = RawRecord>,
    ctx: &ReadContext,
    jobs: Jobs,
    mut triage: impl FnMut(&mut Checked),
    render: impl Fn(&Checked) -> Rendered + Sync,
    mut emit: impl FnMut(Checked, Rendered) -> Result<(), E>,
) -> Result<(), E> {
    let check = |record: RawRecord| match record.parse(ctx) {
        Ok(post) => Checked::Post(Box::new(engine.check(post))),
        Err(error) => Checked::Error(error),
    };
    let mut one_by_one = |records: &mut dyn Iterator<Item = RawRecord>| {
        for record in records {
            let mut checked = check(record);
            triage(&mut checked);
            let rendered = render(&checked);
            emit(checked, rendered)?;
        }
        Ok(())
    };
    if jobs.get() <= 1 {
        return one_by_one(&mut records);
    }
    // A single record (a draft before it is published): starting a thread
    // would take longer than checking it. The first batch is read before
    // any is checked, so reading two here delays nothing.
    let head: Vec<RawRecord> = records.by_ref().take(2).collect();
    let single = head.len() < 2;
    // Fused: once the input has ended it is not asked again (a terminal
    // would wait for more).
    let mut records = head.into_iter().chain(records).fuse();
    if single {
        return one_by_one(&mut records);
    }
    let work = |work: Work| match work {
        Work::Check(batch, records) => {
            Done::Checked(batch, records.into_iter().map(check).collect())
        }
        Work::Render(batch, checked) => Done::Rendered(
            batch,
            checked
                .into_iter()
                .map(|checked| {
                    let rendered = render(&checked);
                    (checked, rendered)
                })
                .collect(),
        ),
    };
    let queue = Queue::default();
    thread::scope(|scope| {
        for _ in 1..jobs.get() {
            // A thread that cannot be had leaves its share to the others
            // (this one at least).
            let _ = thread::Builder::new().spawn_scoped(scope, || queue.serve(&work));
        }
        // Whatever happens here, the other jobs stop waiting for work, so
        // the scope's end does not wait for them forever.
        let _closed = CloseOnDrop(&queue);
        let limit = IN_FLIGHT_PER_JOB * jobs.get();
        let (mut read, mut triaged, mut emitted) = (0, 0, 0);
        let (mut to_triage, mut to_emit) = (BTreeMap::new(), BTreeMap::new());
        loop {
            while read - emitted < limit {
                let batch: Vec<RawRecord> = records.by_ref().take(BATCH).collect();
                if batch.is_empty() {
                    break;
                }
                queue.push(Work::Check(read, batch));
                read += 1;
            }
            if emitted == read {
                return Ok(());
            }
            match queue.next_done(&work) {
                Done::Checked(batch, checked) => {
                    to_triage.insert(batch, checked);
                }
                Done::Rendered(batch, rendered) => {
                    to_emit.insert(batch, rendered);
                }
            }
            while let Some(mut checked) = to_triage.remove(&triaged) {
                checked.iter_mut().for_each(&mut triage);
                queue.push(Work::Render(triaged, checked));
                triaged += 1;
            }
            while let Some(rendered) = to_emit.remove(&emitted) {
                rendered.into_iter().try_for_each(|(checked, rendered)| emit(checked, rendered))?;
                emitted += 1;
            }
        }
    })
}

/// A piece of work for any job, on the batch numbered by its `usize`.
enum Work {
    Check(usize, Vec<RawRecord>),
    Render(usize, Vec<Checked>),
}

/// What a piece of [`Work`] gives the reading thread.
enum Done<Rendered> {
    Checked(usize, Vec<Checked>),
    Rendered(usize, Vec<(Checked, Rendered)>),
}

/// The work waiting for a job and the results waiting for the reading
/// thread.
struct Queue<Rendered> {
    state: Mutex<QueueState<Rendered>>,
    work_waiting: Condvar,
    result_waiting: Condvar,
}

struct QueueState<Rendered> {
    work: VecDeque<Work>,
    /// Results (or the panic of the work that was to give one).
    results: Vec<thread::Result<Done<Rendered>>>,
    /// Jobs waiting for work, woken only when there are some: waking
    /// takes a system call.
    idle: usize,
    reader_waits: bool,
    closed: bool,
}

impl<Rendered> Default for Queue<Rendered> {
    fn default() -> Self {
        let state = QueueState {
            work: VecDeque::new(),
            results: Vec::new(),
            idle: 0,
            reader_waits: false,
            closed: false,
        };
        Queue {
            state: Mutex::new(state),
            work_waiting: Condvar::new(),
            result_waiting: Condvar::new(),
        }
    }
}

impl<Rendered> Queue<Rendered> {
    /// Poisoning cannot leave the state half changed: no code that may
    /// panic runs while it is held.
    fn lock(&self) -> MutexGuard<'_, QueueState<Rendered>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues work, rendering ahead of checking: the sooner a batch is
    /// written, the sooner its memory is free.
    fn push(&self, work: Work) {
        let mut state = self.lock();
        match work {
            Work::Render(..) => state.work.push_front(work),
            Work::Check(..) => state.work.push_back(work),
        }
        if state.idle > 0 {
            self.work_waiting.notify_one();
        }
    }

    /// A job's loop: do the work queued until the queue is closed. A panic
    /// is caught and handed to the reading thread as the work's result.
    fn serve(&self, work: &(impl Fn(Work) -> Done<Rendered> + Sync)) {
        let mut state = self.lock();
        loop {
            if state.closed {
                return;
            }
            if let Some(piece) = state.work.pop_front() {
                drop(state);
                let result = panic::catch_unwind(AssertUnwindSafe(|| work(piece)));
                state = self.lock();
                state.results.push(result);
                if state.reader_waits {
                    self.result_waiting.notify_one();
                }
            } else {
                state.idle += 1;
                state = self.work_waiting.wait(state).unwrap_or_else(PoisonError::into_inner);
                state.idle -= 1;
            }
        }
    }

    /// The reading thread's next result: one that is ready, else the one
    /// of the work it takes from the queue itself, else the next one
    /// another job gives (one is at work, or the batches read would all be
    /// handed on).
    fn next_done(&self, work: &impl Fn(Work) -> Done<Rendered>) -> Done<Rendered> {
        let mut state = self.lock();
        loop {
            if let Some(result) = state.results.pop() {
                drop(state);
                return result.unwrap_or_else(|payload| panic::resume_unwind(payload));
            }
            if let Some(piece) = state.work.pop_front() {
                drop(state);
                return work(piece);
            }
            state.reader_waits = true;
            state = self.result_waiting.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.reader_waits = false;
        }
    }
}

/// Closes the queue when dropped: the jobs waiting for work end.
struct CloseOnDrop<'a, Rendered>(&'a Queue<Rendered>);

impl<Rendered> Drop for CloseOnDrop<'_, Rendered> {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.work_waiting.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::finding::RecordError;
    use crate::post::{Post, Relationship};

    fn records(count: usize) -> Vec<RawRecord> {
        (0..count)
            .map(|index| {
                if index % 7 == 3 {
                    return RawRecord::from(Err(RecordError {
                        origin: Box::default(),
                        id: Some(format!("bad-{index}")),
                        message: "unreadable".into(),
                    }));
                }
                let text = if index % 2 == 0 { "#ad new serum" } else { "new serum" };
                let mut post = Post::from_text(Default::default(), text);
                post.id = Some(format!("p{index}"));
                post.relationship = Relationship::Paid;
                post.markets = vec![crate::post::Market::parse("GB").unwrap()];
                RawRecord::from(Ok(post))
            })
            .collect()
    }

    fn run(jobs: usize, count: usize) -> Vec<(String, usize)> {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        let mut out = Vec::new();
        check_records(
            &engine,
            records(count).into_iter(),
            &ReadContext::default(),
            Jobs::new(jobs),
            |_| {},
            |_| (),
            |checked, ()| {
                out.push(match checked {
                    Checked::Post(post) => (post.post.id.clone().unwrap(), post.findings.len()),
                    Checked::Error(error) => (error.id.unwrap(), usize::MAX),
                });
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn results_keep_input_order_whatever_the_number_of_jobs() {
        // More batches than are in flight at once, so ordering across
        // them is exercised too.
        let count = 5 * IN_FLIGHT_PER_JOB * BATCH + 17;
        let sequential = run(1, count);
        assert_eq!(sequential.len(), count);
        for (index, (id, _)) in sequential.iter().enumerate() {
            let expected =
                if index % 7 == 3 { format!("bad-{index}") } else { format!("p{index}") };
            assert_eq!(*id, expected);
        }
        assert_eq!(run(2, count), sequential);
        assert_eq!(run(3, count), sequential);
        for count in 0..3 {
            assert_eq!(run(2, count), run(1, count), "{count} records");
        }
    }

    #[test]
    fn each_record_is_triaged_before_it_is_rendered_and_emitted_with_its_rendering() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        for jobs in [1, 2] {
            let mut emitted = 0;
            check_records(
                &engine,
                records(BATCH + 5).into_iter(),
                &ReadContext::default(),
                Jobs::new(jobs),
                |checked| {
                    if let Checked::Post(post) = checked {
                        post.findings.clear();
                        post.post.id =
                            Some(format!("triaged {}", post.post.id.as_deref().unwrap()));
                    }
                },
                |checked| match checked {
                    Checked::Post(post) => (post.post.id.clone(), post.findings.len()),
                    Checked::Error(_) => (None, 0),
                },
                |checked, rendered| {
                    if let Checked::Post(post) = &checked {
                        assert_eq!(rendered, (post.post.id.clone(), 0), "--jobs {jobs}");
                        assert!(post.post.id.as_deref().unwrap().starts_with("triaged p"));
                    }
                    emitted += 1;
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
            assert_eq!(emitted, BATCH + 5);
        }
    }

    #[test]
    fn records_are_triaged_in_input_order_while_later_ones_are_checked() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        let id = |checked: &Checked| match checked {
            Checked::Post(post) => post.post.id.clone().unwrap(),
            Checked::Error(error) => error.id.clone().unwrap(),
        };
        let count = 3 * IN_FLIGHT_PER_JOB * BATCH + 3;
        let (mut triaged, mut emitted) = (Vec::new(), Vec::new());
        check_records(
            &engine,
            records(count).into_iter(),
            &ReadContext::default(),
            Jobs::new(2),
            |checked| triaged.push(id(checked)),
            |_| (),
            |checked, ()| {
                emitted.push(id(&checked));
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(triaged.len(), count);
        assert_eq!(triaged, emitted);
    }

    #[test]
    fn jobs_1000_spawned_1000_threads() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(Jobs::new(1000).get(), 4 * cores);
        assert_eq!(Jobs::new(0).get(), cores);
        assert_eq!(Jobs::new(1).get(), 1);
        assert_eq!(Jobs::new(4 * cores).get(), 4 * cores);
    }

    #[test]
    fn a_failing_emit_stops_the_run() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        let mut seen = 0;
        let result = check_records(
            &engine,
            records(3 * IN_FLIGHT_PER_JOB * BATCH).into_iter(),
            &ReadContext::default(),
            Jobs::new(2),
            |_| {},
            |_| (),
            |_, ()| {
                seen += 1;
                if seen == 10 { Err("closed") } else { Ok(()) }
            },
        );
        assert_eq!(result, Err("closed"));
        assert_eq!(seen, 10);
    }

    #[test]
    fn records_are_read_ahead_of_those_handed_on_only_so_far() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        for jobs in [2, 3] {
            let pulled = std::cell::Cell::new(0);
            let mut emitted = 0;
            let input = records(20 * IN_FLIGHT_PER_JOB * BATCH).into_iter().inspect(|_| {
                pulled.set(pulled.get() + 1);
            });
            let most_ahead = IN_FLIGHT_PER_JOB * jobs * BATCH;
            check_records(
                &engine,
                input,
                &ReadContext::default(),
                Jobs::new(jobs),
                |_| {},
                |_| (),
                |_, ()| {
                    assert!(
                        pulled.get() - emitted <= most_ahead,
                        "--jobs {jobs}: {} read, {emitted} handed on",
                        pulled.get()
                    );
                    emitted += 1;
                    Ok::<(), ()>(())
                },
            )
            .unwrap();
            assert_eq!(emitted, 20 * IN_FLIGHT_PER_JOB * BATCH);
        }
    }

    fn shared_engine() -> &'static Engine {
        static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        ENGINE.get_or_init(|| Engine::new(crate::packs::load(true, &[]).unwrap()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn any_number_of_jobs_hands_on_what_one_job_does_up_to_a_failing_emit(
            jobs in 2usize..=4,
            count in 0usize..600,
            fail_at in proptest::option::of(0usize..600),
        ) {
            let run = |jobs| {
                let mut out = Vec::new();
                let result = check_records(
                    shared_engine(),
                    records(count).into_iter(),
                    &ReadContext::default(),
                    Jobs::new(jobs),
                    |_| {},
                    |checked| match checked {
                        Checked::Post(post) => (post.post.id.clone(), post.findings.len()),
                        Checked::Error(error) => (error.id.clone(), usize::MAX),
                    },
                    |_, rendered| {
                        if fail_at == Some(out.len()) {
                            return Err(out.len());
                        }
                        out.push(rendered);
                        Ok(())
                    },
                );
                (out, result)
            };
            prop_assert_eq!(run(jobs), run(1));
        }
    }

    #[test]
    fn a_panic_while_checking_reaches_the_caller_instead_of_hanging() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        for jobs in [2, 3] {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                check_records(
                    &engine,
                    records(4 * BATCH).into_iter(),
                    &ReadContext::default(),
                    Jobs::new(jobs),
                    |_| {},
                    |checked| {
                        if let Checked::Post(post) = checked {
                            assert_ne!(post.post.id.as_deref(), Some("p100"), "rendering failed");
                        }
                    },
                    |_, ()| Ok::<(), ()>(()),
                )
            }));
            let payload = outcome.expect_err("the panic reaches the caller");
            let message = payload.downcast_ref::<String>().map_or("", String::as_str);
            assert!(message.contains("rendering failed"), "--jobs {jobs}: {message}");
        }
    }
}
