//! Writes the element tree as indented XML (two spaces per level, one element per line, `<x/>`
//! for elements without children), straight into one output string: no per-element buffers.
//!
//! Attribute values are escaped here, including tabs and newlines (as character references), so
//! that any value survives a round trip through an XML parser byte for byte.

use super::Element;

/// Appends an attribute value escaped so that it reads back byte for byte (tabs and newlines
/// included).
pub fn push_escaped(out: &mut String, value: &str) {
    if !value.contains(['&', '<', '>', '"', '\'', '\n', '\r', '\t']) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// How many bytes [`push_escaped`] appends for this value.
fn escaped_len(value: &str) -> usize {
    value.len()
        + value
            .bytes()
            .map(|b| match b {
                b'&' | b'\n' | b'\r' => 4,
                b'<' | b'>' | b'\t' => 3,
                b'"' | b'\'' => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// How many bytes [`write_element`] appends for this element.
fn written_len(element: &Element, depth: usize) -> usize {
    let line = 1 + depth * 2;
    if let Some(raw) = &element.raw {
        return line + raw.trim().len();
    }
    let attrs: usize = element.attrs.iter().map(|(key, value)| 4 + key.len() + escaped_len(value)).sum();
    let tag = line + 1 + element.name.len() + attrs;
    if element.children.is_empty() {
        return tag + 2;
    }
    let children: usize = element.children.iter().map(|child| written_len(child, depth + 1)).sum();
    tag + 1 + children + line + 3 + element.name.len()
}

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', depth * 2));
}

/// Writes an element without children, raw XML, or the start tag of an element with children
/// (then returns true: its children and end tag follow).
fn write_start(out: &mut String, element: &Element, depth: usize) -> bool {
    new_line(out, depth);
    if let Some(raw) = &element.raw {
        // Checked well-formed before generation; written as the admin wrote it.
        out.push_str(raw.trim());
        return false;
    }
    out.push('<');
    out.push_str(element.name);
    for (key, value) in &element.attrs {
        out.push(' ');
        out.push_str(key);
        out.push_str("=\"");
        push_escaped(out, value);
        out.push('"');
    }
    if element.children.is_empty() {
        out.push_str("/>");
        return false;
    }
    out.push('>');
    true
}

fn write_end(out: &mut String, name: &str, depth: usize) {
    new_line(out, depth);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

pub(super) fn write_element(out: &mut String, element: &Element, depth: usize) {
    if write_start(out, element, depth) {
        for child in &element.children {
            write_element(out, child, depth + 1);
        }
        write_end(out, element.name, depth);
    }
}

/// [`write_element`], freeing each child once it is written.
fn write_owned(out: &mut String, mut element: Element, depth: usize) {
    if write_start(out, &element, depth) {
        for child in std::mem::take(&mut element.children) {
            write_owned(out, child, depth + 1);
        }
        write_end(out, element.name, depth);
    }
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// The whole document, with an XML declaration and a trailing newline.
pub fn to_xml(root: &Element) -> String {
    // Sized exactly first: a CIB of tens of thousands of resources is tens of megabytes, and a
    // string grown by doubling would hold up to twice that, copied on the way.
    let mut out = String::with_capacity(DECLARATION.len() + written_len(root, 0) + 1);
    out.push_str(DECLARATION);
    write_element(&mut out, root, 0);
    out.push('\n');
    debug_assert_eq!(out.len(), out.capacity(), "written_len must match write_element");
    out
}

/// [`to_xml`], freeing the tree as it is written (the chunks of XML a streamed generation leaves
/// in it are then never held twice over).
pub(super) fn into_xml(root: Element) -> String {
    let mut out = String::with_capacity(DECLARATION.len() + written_len(&root, 0) + 1);
    out.push_str(DECLARATION);
    write_owned(&mut out, root, 0);
    out.push('\n');
    debug_assert_eq!(out.len(), out.capacity(), "written_len must match write_owned");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_would_not_round_trip() {
        let e = Element::new("nvpair").attr("value", "a\"b<c>&d\te\nf'");
        let xml = to_xml(&e);
        assert!(xml.contains(r#"value="a&quot;b&lt;c&gt;&amp;d&#9;e&#10;f&apos;""#), "{xml}");
    }

    #[test]
    fn the_output_is_sized_exactly() {
        let tree = Element::new("cib").attr("epoch", "1").child(
            Element::new("configuration")
                .child(Element::new("nvpair").attr("value", "a\"b<c>&d\te\nf'\r"))
                .child(Element::raw("  <primitive id=\"x\"/>\n".to_string()))
                .child(Element::new("resources").child(Element::new("primitive").attr("id", "ü"))),
        );
        let xml = to_xml(&tree);
        assert_eq!(xml.len(), xml.capacity(), "{xml}");
    }
}
