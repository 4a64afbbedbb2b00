//! Readable, deterministic, collision-free ids for the elements the admin did not name.

use crate::fast_hash::FastSet;

/// Hands out ids derived from names (`web-monitor-10s`), never one that is already taken.
///
/// Taken ids are remembered by a 64-bit hash rather than a copy of the text: a CIB has hundreds
/// of thousands of generated ids. Two distinct ids sharing a hash (for a million ids, a chance of
/// the order of one in ten million) would only make the later one take a `-N` suffix; ids still
/// never repeat.
pub struct IdAllocator {
    used: FastSet<u64>,
}

fn key(id: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::fast_hash::Fnv::default();
    h.write(id.as_bytes());
    h.finish()
}

/// Makes any text a valid XML ID (NCName): letters, digits, `-`, `_`, `.`, not starting with a
/// digit, `-` or `.`.
pub fn sanitize(base: &str) -> String {
    let valid =
        base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if valid {
        return base.to_string();
    }
    let mut out: String = base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' }).collect();
    if out.is_empty() || !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

impl IdAllocator {
    /// `reserved` are the names the admin declared: generated ids never take them.
    pub fn new<'a>(reserved: impl IntoIterator<Item = &'a str>) -> IdAllocator {
        IdAllocator { used: reserved.into_iter().map(key).collect() }
    }

    /// An id the admin chose: recorded as used, returned unchanged.
    pub fn claim(&mut self, id: &str) -> String {
        self.used.insert(key(id));
        id.to_string()
    }

    /// A fresh id based on `base`: `base` itself if free, else `base-1`, `base-2`, ...
    pub fn fresh(&mut self, base: &str) -> String {
        let base = sanitize(base);
        if self.used.insert(key(&base)) {
            return base;
        }
        let mut n = 1u32;
        loop {
            let candidate = format!("{base}-{n}");
            if self.used.insert(key(&candidate)) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_and_unique() {
        let mut ids = IdAllocator::new(["web"]);
        assert_eq!(ids.fresh("web"), "web-1");
        assert_eq!(ids.fresh("web"), "web-2");
        assert_eq!(ids.fresh("10s monitor"), "_10s_monitor");
        assert_eq!(ids.fresh("fail-count-db#monitor"), "fail-count-db_monitor");
    }
}
