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

/// A written CIB document, in pieces: the chunks of XML a streamed generation wrote are kept as
/// they are rather than copied into one string. For a cluster of 50,000 primitives that string
/// would be 78 MB of fresh memory, zeroed by the kernel only to be copied into and written out.
/// The one contiguous copy is made on demand ([`XmlText::as_str`]), for the callers that want it.
#[derive(Debug, Default)]
pub struct XmlText {
    pieces: Vec<String>,
    joined: std::sync::OnceLock<String>,
}

impl XmlText {
    /// The document's pieces, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(String::is_empty)
    }

    /// The whole document as one string, joined the first time it is asked for.
    pub fn as_str(&self) -> &str {
        self.joined.get_or_init(|| self.pieces.concat())
    }

    /// The whole document as one string.
    pub fn into_string(self) -> String {
        match self.joined.into_inner() {
            Some(joined) => joined,
            None => self.pieces.concat(),
        }
    }

    /// Writes the document piece by piece.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.pieces.iter().try_for_each(|piece| out.write_all(piece.as_bytes()))
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.pieces.iter().flat_map(|piece| piece.bytes())
    }
}

impl PartialEq for XmlText {
    fn eq(&self, other: &XmlText) -> bool {
        self.len() == other.len() && self.bytes().eq(other.bytes())
    }
}

impl Eq for XmlText {}

impl Clone for XmlText {
    fn clone(&self) -> XmlText {
        XmlText { pieces: self.pieces.clone(), joined: std::sync::OnceLock::new() }
    }
}

/// Gathers a document's pieces: small text is appended to the current piece; a large chunk of
/// written XML that stands as it is (see [`Pieces::raw`]) becomes a piece of its own, moved.
#[derive(Default)]
struct Pieces {
    done: Vec<String>,
    current: String,
}

impl Pieces {
    /// A raw child at `depth`: written as a new line, the indentation and its trimmed text.
    /// A chunk of streamed generation is exactly that already, so it is moved, not copied.
    fn raw(&mut self, raw: String, depth: usize) {
        let indent = 1 + depth * 2;
        let stands_as_is = raw.len() == indent + raw.trim().len()
            && raw.as_bytes().first() == Some(&b'\n')
            && raw.as_bytes().get(1..indent).is_some_and(|spaces| spaces.iter().all(|&b| b == b' '));
        if stands_as_is {
            if !self.current.is_empty() {
                self.done.push(std::mem::take(&mut self.current));
            }
            self.done.push(raw);
        } else {
            new_line(&mut self.current, depth);
            self.current.push_str(raw.trim());
        }
    }

    fn element(&mut self, mut element: Element, depth: usize) {
        if let Some(raw) = element.raw.take() {
            return self.raw(raw, depth);
        }
        if write_start(&mut self.current, &element, depth) {
            for child in std::mem::take(&mut element.children) {
                self.element(child, depth + 1);
            }
            write_end(&mut self.current, element.name, depth);
        }
    }
}

/// [`to_xml`] in pieces, freeing the tree as it is written (the chunks of XML a streamed
/// generation leaves in it are moved into the text, never copied).
pub(super) fn into_xml(root: Element) -> XmlText {
    let mut pieces = Pieces { done: Vec::new(), current: String::from(DECLARATION) };
    pieces.element(root, 0);
    pieces.current.push('\n');
    let Pieces { mut done, current } = pieces;
    done.push(current);
    XmlText { pieces: done, joined: std::sync::OnceLock::new() }
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

    #[test]
    fn pieces_are_the_tree_written_out() {
        // A chunk as streamed generation writes it (new line, indentation, complete children)
        // is moved into the text as a piece; other raw XML is written as `to_xml` writes it.
        let chunk = "\n      <primitive id=\"a\"/>\n      <primitive id=\"b\"/>".to_string();
        let tree = Element::new("cib").child(
            Element::new("configuration")
                .child(Element::new("resources").child(Element::raw(chunk.clone())))
                .child(Element::new("constraints").child(Element::raw("  <rsc_order id=\"o\"/>\n".to_string()))),
        );
        let text = into_xml(tree.clone());
        assert_eq!(text.as_str(), to_xml(&tree));
        assert!(text.pieces().any(|piece| piece == chunk), "{:?}", text.pieces().collect::<Vec<_>>());
    }
}
