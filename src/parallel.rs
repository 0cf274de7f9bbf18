//! Work over files and forms on every core: an ordered map with scoped threads, and who is
//! told when an item is done (a progress bar). The checker parses and lowers with it, the
//! backends make their forms' files with it.
//!
//! Output never depends on the number of threads: results come back in the order of the
//! items, whichever thread made them.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The stack of each worker thread (reserved, not used, until deep nesting needs it).
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// How the forms' work is done: on how many threads, how many forms at a time, and whom to
/// tell after each item.
#[derive(Clone, Default)]
pub struct Pool {
    /// Threads (`0`: one per core).
    pub jobs: usize,
    /// How many form files a whole build checks and makes at a time (`0`: [`FORMS_AT_ONCE`]);
    /// its memory grows with this, not with the catalogue. Output never depends on it.
    pub forms_at_once: usize,
    /// Called after each item, on the thread that did it.
    pub on_item: Option<Arc<dyn Fn() + Send + Sync>>,
}

/// How many form files a whole build checks and makes at a time unless told otherwise: enough
/// for every core to have work between the batches, few enough that their parse trees and IR
/// are a small part of the memory (a form's are about 0.3 MB).
pub const FORMS_AT_ONCE: usize = 128;

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("jobs", &self.jobs)
            .field("forms_at_once", &self.forms_at_once)
            .field("on_item", &self.on_item.is_some())
            .finish()
    }
}

impl Pool {
    /// A pool of `jobs` threads (`0`: one per core) that tells no one.
    pub fn with_jobs(jobs: usize) -> Pool {
        Pool { jobs, forms_at_once: 0, on_item: None }
    }

    /// `f` of every item, in the items' order (see [`map`]), telling `on_item` after each.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
        match &self.on_item {
            None => map(self.jobs, items, f),
            Some(on_item) => map(self.jobs, items, |item| {
                let result = f(item);
                on_item();
                result
            }),
        }
    }
}

/// What `jobs = 0` means in this process (`0`: one thread per core).
static DEFAULT_JOBS: AtomicUsize = AtomicUsize::new(0);

/// Sets what `jobs = 0` means in this process (`0`: one thread per core), e.g. from the command
/// line's `--jobs`, so that work without a pool of its own (checking) uses as many threads.
pub fn set_default_jobs(jobs: usize) {
    DEFAULT_JOBS.store(jobs, Ordering::Relaxed);
}

/// How many threads `jobs` means: `0` is the process's default, one per core unless set.
pub fn threads(jobs: usize) -> usize {
    match (jobs, DEFAULT_JOBS.load(Ordering::Relaxed)) {
        (0, 0) => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        (0, default) => default,
        (jobs, _) => jobs,
    }
}

/// `f` of every item, in the items' order, on up to `jobs` threads (`0`: one per core).
/// Items are handed out one at a time, so a slow item does not hold up a whole share.
/// A panic in `f` is a bug and is passed on.
pub fn map<T: Sync, R: Send>(jobs: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads(jobs).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                // As deep as the command line's own worker: emitters recurse over a form's nesting.
                let worker = std::thread::Builder::new().stack_size(STACK_BYTES);
                worker.spawn_scoped(scope, || {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        mine.push((index, f(item)));
                    }
                    done.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(mine);
                })
            })
            .collect();
        let workers: Vec<_> = workers.into_iter().map(|w| w.expect("a thread can be started")).collect();
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_threads() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for jobs in [0, 1, 2, 3, 7, 2000] {
            assert_eq!(map(jobs, &items, |n| n * n), expected, "jobs {jobs}");
        }
        assert!(map(4, &[] as &[u64], |n| *n).is_empty());
    }

    #[test]
    fn work_is_spread_over_threads() {
        let items: Vec<u32> = (0..64).collect();
        let ids = map(4, &items, |_| {
            std::thread::sleep(std::time::Duration::from_millis(2));
            std::thread::current().id()
        });
        let mut distinct = ids.clone();
        distinct.sort_by_key(|id| format!("{id:?}"));
        distinct.dedup();
        assert!(distinct.len() > 1, "all items ran on one thread");
    }

    #[test]
    #[should_panic(expected = "item 5")]
    fn a_panic_is_passed_on() {
        let items: Vec<u32> = (0..10).collect();
        map(2, &items, |n| if *n == 5 { panic!("item 5") } else { *n });
    }
}
