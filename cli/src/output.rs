//! Writing output files atomically: a temporary file beside the target, then a rename, so a
//! reader (or a failed run) never sees a half-written CIB.

use std::io::Write;
use std::path::Path;

pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(contents.as_bytes()))
}

/// [`write_atomically`], the contents written by `write` (in pieces, say).
pub fn write_atomically_with(path: &Path, write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".to_string());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        write(&mut file)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
