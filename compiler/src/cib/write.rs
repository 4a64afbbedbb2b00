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

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', depth * 2));
}

fn write_element(out: &mut String, element: &Element, depth: usize) {
    new_line(out, depth);
    if let Some(raw) = &element.raw {
        // Checked well-formed before generation; written as the admin wrote it.
        out.push_str(raw.trim());
        return;
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
        return;
    }
    out.push('>');
    for child in &element.children {
        write_element(out, child, depth + 1);
    }
    new_line(out, depth);
    out.push_str("</");
    out.push_str(element.name);
    out.push('>');
}

/// The whole document, with an XML declaration and a trailing newline.
pub fn to_xml(root: &Element) -> String {
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    write_element(&mut out, root, 0);
    out.push('\n');
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
}
