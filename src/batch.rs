//! Checking a stream of records in parallel while keeping input order and
//! bounded memory: records are pulled in chunks, each chunk is checked on a
//! rayon pool while the previous ones are triaged, rendered and written, and
//! results are handed on in the order they were read.

use rayon::prelude::*;

use crate::engine::Engine;
use crate::finding::Checked;
use crate::input::{RawRecord, ReadContext};

/// Records pulled from the input and checked together. Large enough that
/// splitting a chunk over the pool and the pause between chunks cost
/// little; small enough that the five chunks in flight (read, checked,
/// triaged, rendered, written) stay small in memory and in the cores' caches. On
/// 100 k posts with two jobs, 2,048 took 1.07× the time of 512 and 1.5×
/// its peak memory; 256 and 1,024 were no faster (10 paired runs each).
pub const CHUNK: usize = 512;

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
/// this thread: it may keep counts), `render`s it (on the checking threads:
/// the bytes a reporter writes, so that writing is all that is left to this
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
    // A single record (a draft before it is published): starting the
    // pool's threads would take longer than checking it. The pipeline reads
    // a whole chunk before it starts, so reading two here delays nothing.
    let head: Vec<RawRecord> = records.by_ref().take(2).collect();
    let single = head.len() < 2;
    let mut records = head.into_iter().chain(records);
    if single {
        return one_by_one(&mut records);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.get()).build();
    let Ok(pool) = pool else {
        // No threads to be had: checking in this thread is still correct.
        return one_by_one(&mut records);
    };
    // A pipeline of four chunks: while the pool checks chunk k and renders
    // chunk k-2 (triaged), this thread writes chunk k-3, triages chunk k-1
    // and reads chunk k+1, so the serial steps never leave the pool idle.
    let mut chunk: Vec<RawRecord> = records.by_ref().take(CHUNK).collect();
    let mut to_triage: Vec<Checked> = Vec::new();
    let mut to_render: Vec<Checked> = Vec::new();
    let mut to_emit: Vec<(Checked, Rendered)> = Vec::new();
    while !(chunk.is_empty() && to_triage.is_empty() && to_render.is_empty() && to_emit.is_empty())
    {
        let mut checked: Vec<Checked> = Vec::new();
        let mut rendered: Vec<Rendered> = Vec::new();
        let mut next: Vec<RawRecord> = Vec::new();
        let emitted = pool.in_place_scope(|scope| {
            scope.spawn(|_| {
                (checked, rendered) = rayon::join(
                    // `collect` on an indexed parallel iterator keeps the
                    // input order.
                    || chunk.par_drain(..).map(check).collect(),
                    || to_render.par_iter().map(&render).collect(),
                );
            });
            let emitted =
                to_emit.drain(..).try_for_each(|(checked, rendered)| emit(checked, rendered));
            if emitted.is_ok() {
                to_triage.iter_mut().for_each(&mut triage);
                next.extend(records.by_ref().take(CHUNK));
            }
            emitted
        });
        emitted?;
        to_emit = to_render.drain(..).zip(rendered).collect();
        to_render = std::mem::replace(&mut to_triage, checked);
        chunk = next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
        // More chunks than the pipeline holds at once, so ordering across
        // chunks is exercised too.
        let count = 5 * CHUNK + 17;
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
                records(CHUNK + 5).into_iter(),
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
            assert_eq!(emitted, CHUNK + 5);
        }
    }

    #[test]
    fn records_are_triaged_in_input_order_while_later_ones_are_checked() {
        let engine = Engine::new(crate::packs::load(true, &[]).unwrap());
        let id = |checked: &Checked| match checked {
            Checked::Post(post) => post.post.id.clone().unwrap(),
            Checked::Error(error) => error.id.clone().unwrap(),
        };
        let count = 3 * CHUNK + 3;
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
            records(3 * CHUNK).into_iter(),
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
}
