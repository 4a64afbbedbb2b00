//! Reads every CIB of Pacemaker's scheduler regression suite (`shared/corpus/pacemaker-cts`) with
//! `read_xml`, and checks that what was read is what the text says: each element's start tag is
//! where its span says, each attribute name is the text at its name span, and each attribute
//! value equals the text at its value span read by an independent XML unescaper (quick-xml's
//! XML 1.0 attribute-value normalisation).
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports failures by panicking")]

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hapolicy_compiler::cib::{read_xml, XmlElement, XmlNode};
use quick_xml::events::attributes::Attribute;
use quick_xml::name::QName;
use quick_xml::XmlVersion;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/pacemaker-cts");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the CIB corpus is missing: cannot read {} ({e}); it holds Pacemaker's cts/scheduler/xml files", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "the CIB corpus {} is empty", dir.display());
    files
}

/// An attribute value as written, read by quick-xml rather than by us.
fn unescape(raw: &str) -> String {
    let attribute = Attribute { key: QName("k"), value: Cow::Borrowed(raw) };
    attribute.normalized_value(XmlVersion::Implicit1_0).unwrap().into_owned()
}

/// Checks every span of the tree against the text; returns (elements, attributes, comments).
fn check_tree(name: &str, text: &str, root: &XmlElement) -> (usize, usize, usize) {
    let (mut elements, mut attributes, mut comments) = (0, 0, 0);
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        elements += 1;
        let tag = &text[e.span.range()];
        assert!(tag.starts_with(&format!("<{}", e.name)) && tag.ends_with('>'), "{name}: <{}> has span {:?}: {tag:?}", e.name, e.span);
        let whole = &text[e.span.start as usize..e.end as usize];
        assert!(
            whole.ends_with("/>") && e.end == e.span.end || whole.ends_with('>') && whole.contains(&format!("</{}", e.name)),
            "{name}: <{}> ends at {}: {:?}",
            e.name,
            e.end,
            &whole[whole.len().saturating_sub(40)..]
        );
        for a in &e.attrs {
            attributes += 1;
            assert_eq!(&text[a.name_span.range()], a.name, "{name}: name span of {}", a.name);
            let raw = &text[a.value_span.range()];
            assert_eq!(unescape(raw), a.value, "{name}: value of {}={raw:?} on <{}>", a.name, e.name);
            let quote = &text[a.value_span.end as usize..a.value_span.end as usize + 1];
            assert!(quote == "\"" || quote == "'", "{name}: value span of {} does not end at a quote", a.name);
        }
        for child in &e.children {
            match child {
                XmlNode::Element(c) => stack.push(c),
                XmlNode::Comment { text: comment, span } => {
                    comments += 1;
                    assert_eq!(&text[span.range()], format!("<!--{comment}-->"), "{name}: comment span");
                }
            }
        }
    }
    (elements, attributes, comments)
}

#[test]
fn every_corpus_cib_reads() {
    let files = corpus();
    let mut failures = Vec::new();
    let (mut elements, mut attributes, mut comments, mut bytes) = (0, 0, 0, 0);
    let mut total = Duration::ZERO;
    let mut slowest = (Duration::ZERO, String::new());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let started = Instant::now();
        let result = read_xml(&text);
        let took = started.elapsed();
        total += took;
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        match result {
            Ok(root) => {
                assert_eq!(root.name, "cib", "{name}: root");
                let (e, a, c) = check_tree(&name, &text, &root);
                elements += e;
                attributes += a;
                comments += c;
                bytes += text.len();
            }
            Err(e) => failures.push(format!("{name}: {} at {:?}", e.message, e.span)),
        }
    }
    println!(
        "{}/{} CIBs read ({} MB, {elements} elements, {attributes} attributes, {comments} comments) in {total:?}; slowest {} in {:?}",
        files.len() - failures.len(),
        files.len(),
        bytes >> 20,
        slowest.1,
        slowest.0
    );
    assert!(failures.is_empty(), "{} CIBs could not be read:\n{}", failures.len(), failures.join("\n"));
}

/// Reading the largest corpus file (some 800 kB) takes milliseconds in release builds; the bound
/// here is loose enough for unoptimised test builds on a busy machine.
#[test]
fn the_largest_cib_reads_fast() {
    let largest = corpus().into_iter().max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).unwrap();
    let text = std::fs::read_to_string(&largest).unwrap();
    read_xml(&text).unwrap();
    let rounds = 5;
    let started = Instant::now();
    for _ in 0..rounds {
        read_xml(&text).unwrap();
    }
    let each = started.elapsed() / rounds;
    println!("{} ({} kB) read in {each:?}", largest.file_name().unwrap().to_string_lossy(), text.len() >> 10);
    let limit = if cfg!(debug_assertions) { Duration::from_secs(2) } else { Duration::from_millis(100) };
    assert!(each < limit, "reading {} took {each:?}", largest.display());
}
