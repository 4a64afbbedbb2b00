//! The allocator's settings for this process.
//!
//! mimalloc returns memory it no longer uses to the system after a short delay, by decommitting
//! it; the next allocation there faults the page in again and the kernel zeroes it. The language
//! server frees and rebuilds much of a large document's state on every edit, so with the default
//! it paid for hundreds of such page faults per keystroke. With purging by reset instead
//! (`madvise(MADV_FREE)`), the pages stay mapped until the system actually needs them back, and
//! reusing them costs nothing.
//!
//! mimalloc reads its options from the environment once, as the process starts, and setting them
//! from Rust would need `unsafe` calls into its C API. So the process runs itself again with the
//! option in its environment: `exec` keeps the process id and the standard streams, so the editor
//! sees no difference.

use std::os::unix::process::CommandExt;

/// The environment variable that makes mimalloc purge by reset rather than by decommit.
const PURGE_DECOMMITS: &str = "MIMALLOC_PURGE_DECOMMITS";

/// Replaces this process with itself, same arguments, with mimalloc purging by reset, unless the
/// environment already says how to purge (the admin's or our own earlier `exec`). Returns only
/// when that cannot be done, and then the process carries on with the defaults.
pub fn purge_by_reset() {
    if std::env::var_os(PURGE_DECOMMITS).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(argv0) = args.next() {
        command.arg0(argv0);
    }
    // Only returns on failure; the defaults are slower, not wrong.
    let _ = command.args(args).env(PURGE_DECOMMITS, "0").exec();
}
