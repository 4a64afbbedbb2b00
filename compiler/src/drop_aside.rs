//! Freeing large values off the answer's path. After an editor's edit, the values it replaced
//! (a model, the last parse's items, the last facts and checks) hold tens of thousands of small
//! allocations, and freeing them takes milliseconds the editor would wait for. They go to one
//! thread that lives as long as the process: a thread started per value would cost its start,
//! and its allocator heap would give back, as it ends, memory the next edit would fault in again.

use std::sync::mpsc::Sender;
use std::sync::OnceLock;

type Garbage = Box<dyn Send>;

/// The freeing thread's queue; `None` when the thread could not be started.
static FREEING: OnceLock<Option<Sender<Garbage>>> = OnceLock::new();

/// Drops `value` on the freeing thread (here, if there is none).
pub(crate) fn drop_aside<T: Send + 'static>(value: T) {
    let queue = FREEING.get_or_init(|| {
        let (queue, garbage) = std::sync::mpsc::channel::<Garbage>();
        let started = std::thread::Builder::new().name("free-aside".into()).spawn(move || garbage.into_iter().for_each(drop));
        started.ok().map(|_| queue)
    });
    match queue {
        // A value the queue refuses (the thread ended) comes back, and is dropped here.
        Some(queue) => drop(queue.send(Box::new(value))),
        None => drop(value),
    }
}
