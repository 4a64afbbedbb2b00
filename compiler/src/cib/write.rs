//! Writes the element tree as indented XML with quick-xml.
//!
//! Attribute values are escaped here, including tabs and newlines (as character references), so
//! that any value survives a round trip through an XML parser byte for byte.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::Writer;

use super::Element;

fn escape_attr(value: &str) -> Cow<'_, str> {
    if !value.contains(['&', '<', '>', '"', '\'', '\n', '\r', '\t']) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
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
    Cow::Owned(out)
}

fn write_element(writer: &mut Writer<Vec<u8>>, element: &Element) -> std::io::Result<()> {
    if let Some(raw) = &element.raw {
        // Checked well-formed before generation; written as the admin wrote it.
        writer.write_indent()?;
        return std::io::Write::write_all(writer.get_mut(), raw.trim().as_bytes());
    }
    let mut start = BytesStart::new(element.name);
    for (key, value) in &element.attrs {
        let escaped = escape_attr(value);
        start.push_attribute(Attribute { key: quick_xml::name::QName(key), value: Cow::Borrowed(escaped.as_ref()) });
    }
    if element.children.is_empty() {
        writer.write_event(Event::Empty(start))?;
    } else {
        writer.write_event(Event::Start(start))?;
        for child in &element.children {
            write_element(writer, child)?;
        }
        writer.write_event(Event::End(BytesEnd::new(element.name)))?;
    }
    Ok(())
}

/// The whole document, with an XML declaration and a trailing newline.
pub fn to_xml(root: &Element) -> String {
    let mut writer = Writer::new_with_indent(Vec::with_capacity(64 * 1024), b' ', 2);
    let result = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).and_then(|_| write_element(&mut writer, root));
    match result {
        Ok(()) => {
            let mut text = String::from_utf8_lossy(&writer.into_inner()).into_owned();
            text.push('\n');
            text
        }
        // Writing to a Vec cannot fail; keep a readable marker rather than panicking.
        Err(e) => format!("<!-- write error: {e} -->\n"),
    }
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
