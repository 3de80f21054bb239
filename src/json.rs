//! Reading a few top-level fields of a signed JSON body, without allocating.
//!
//! Only called after the body's signature has been verified. The body must
//! be one valid JSON value (RFC 8259) and an object; only its own keys count
//! (a `webhookTimestamp` nested deeper is ignored); a wanted key that appears
//! twice is an error, never "first wins" or "last wins". Keys are compared
//! after unescaping, as the senders' JSON parsers do (`"webhook\u0054imestamp"`
//! is `webhookTimestamp`).
//!
//! A small validating scanner rather than serde_json: serde_json keeps a
//! scratch buffer on the heap for escaped strings and for skipping nested
//! containers, and a verify path that allocates on ordinary bodies would
//! break hooksig's promise. Nesting is tracked in a fixed bit stack, so depth
//! is bounded ([`MAX_DEPTH`]) and nothing recurses.

/// How deeply arrays and objects may nest, counting the top-level object.
pub(crate) const MAX_DEPTH: usize = 512;

/// The JSON type a wanted field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A non-negative integer that fits in `u64` (not `1.0`, `1e3` or `"1"`).
    U64,
    /// A string without escape sequences, borrowed from the body.
    Str,
    /// A non-negative integer (as [`Kind::U64`], of any length), as its
    /// digits borrowed from the body ([`Value::Raw`]).
    Digits,
    /// An object, as its validated text borrowed from the body
    /// ([`Value::Raw`]), to be read again with [`top_level`]: the one way
    /// to reach a nested member without allocating.
    Object,
}

/// A field's value, if the body has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Absent,
    U64(u64),
    Str(&'a str),
    /// The text of a [`Kind::Digits`] or [`Kind::Object`] value.
    Raw(&'a str),
}

/// Why the body was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Not valid JSON (or trailing bytes after it), or not UTF-8.
    NotJson,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Valid JSON, but not an object.
    NotObject,
    /// The wanted field at this index appears more than once.
    Repeated(usize),
    /// The wanted field at this index has the wrong type.
    WrongType(usize),
}

impl Problem {
    /// The error for a body that is not a JSON object at all; `field`
    /// describes `Repeated` and `WrongType` problems for the provider.
    pub(crate) fn into_error(self, field: impl FnOnce(Problem) -> &'static str) -> crate::Error {
        crate::Error::MalformedBody(match self {
            Problem::NotJson => "body is not valid JSON",
            Problem::TooDeep => "body nests JSON deeper than 512 levels",
            Problem::NotObject => "body is not a JSON object",
            Problem::Repeated(_) | Problem::WrongType(_) => field(self),
        })
    }
}

/// Reads the top-level fields `wanted` (name and kind) of the JSON object
/// `body`, in the order given.
pub(crate) fn top_level<'a, const N: usize>(
    body: &'a [u8],
    wanted: &[(&str, Kind); N],
) -> Result<[Value<'a>; N], Problem> {
    // RFC 8259: JSON text is UTF-8. Validating once lets every string slice
    // below be taken as text.
    let text = std::str::from_utf8(body).map_err(|_| Problem::NotJson)?;
    let mut scan = Scanner { text, at: 0 };
    scan.space();
    if !scan.eat(b'{') {
        scan.value()?;
        scan.end()?;
        return Err(Problem::NotObject);
    }
    let mut values = [Value::Absent; N];
    scan.space();
    if !scan.eat(b'}') {
        loop {
            scan.space();
            let (key, _) = scan.string()?;
            scan.space();
            scan.expect(b':')?;
            scan.space();
            match wanted.iter().position(|(name, _)| key_is(key, name)) {
                None => scan.value_nested(1)?,
                Some(index) => {
                    if values[index] != Value::Absent {
                        return Err(Problem::Repeated(index));
                    }
                    values[index] =
                        scan.typed(wanted[index].1)
                            .map_err(|problem| match problem {
                                Problem::WrongType(_) => Problem::WrongType(index),
                                other => other,
                            })?;
                }
            }
            scan.space();
            if scan.eat(b',') {
                continue;
            }
            scan.expect(b'}')?;
            break;
        }
    }
    scan.end()?;
    Ok(values)
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Result<(), Problem> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(Problem::NotJson)
        }
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn end(&mut self) -> Result<(), Problem> {
        self.space();
        if self.at == self.text.len() {
            Ok(())
        } else {
            Err(Problem::NotJson)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    /// A string (opening quote next): its raw content between the quotes,
    /// and whether it holds escape sequences.
    fn string(&mut self) -> Result<(&'a str, bool), Problem> {
        self.expect(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            self.at = skip_plain(self.text.as_bytes(), self.at);
            match self.peek().ok_or(Problem::NotJson)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                    match self.peek().ok_or(Problem::NotJson)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        b'u' => {
                            let hex = self.text.as_bytes().get(self.at + 1..self.at + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(Problem::NotJson);
                            }
                            self.at += 5;
                        }
                        _ => return Err(Problem::NotJson),
                    }
                }
                0x00..=0x1f => return Err(Problem::NotJson),
                _ => self.at += 1,
            }
        }
        let raw = self.text.get(start..self.at).ok_or(Problem::NotJson)?;
        self.at += 1;
        Ok((raw, escaped))
    }

    /// A number (first byte next); whether it is a plain non-negative
    /// integer.
    fn number(&mut self) -> Result<bool, Problem> {
        let negative = self.eat(b'-');
        let leading_zero = self.peek() == Some(b'0');
        match self.digits() {
            0 => return Err(Problem::NotJson),
            n if leading_zero && n > 1 => return Err(Problem::NotJson),
            _ => {}
        }
        let mut integer = !negative;
        if self.eat(b'.') {
            integer = false;
            if self.digits() == 0 {
                return Err(Problem::NotJson);
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            integer = false;
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(Problem::NotJson);
            }
        }
        Ok(integer)
    }

    fn literal(&mut self) -> Result<(), Problem> {
        for word in ["true", "false", "null"] {
            if self.text[self.at..].starts_with(word) {
                self.at += word.len();
                return Ok(());
            }
        }
        Err(Problem::NotJson)
    }

    /// A wanted field's value, of the kind wanted (`WrongType` otherwise,
    /// once the value has been checked to be valid JSON).
    fn typed(&mut self, kind: Kind) -> Result<Value<'a>, Problem> {
        let start = self.at;
        match (kind, self.peek()) {
            (Kind::U64, Some(b'-' | b'0'..=b'9')) => {
                if !self.number()? {
                    return Err(Problem::WrongType(0));
                }
                self.text[start..self.at]
                    .parse()
                    .map(Value::U64)
                    .map_err(|_| Problem::WrongType(0))
            }
            (Kind::Str, Some(b'"')) => match self.string()? {
                (text, false) => Ok(Value::Str(text)),
                (_, true) => Err(Problem::WrongType(0)),
            },
            (Kind::Digits, Some(b'-' | b'0'..=b'9')) => {
                if !self.number()? {
                    return Err(Problem::WrongType(0));
                }
                Ok(Value::Raw(&self.text[start..self.at]))
            }
            (Kind::Object, Some(b'{')) => {
                self.value_nested(1)?;
                Ok(Value::Raw(&self.text[start..self.at]))
            }
            _ => {
                self.value_nested(1)?;
                Err(Problem::WrongType(0))
            }
        }
    }

    /// Any value at top level.
    fn value(&mut self) -> Result<(), Problem> {
        self.value_nested(0)
    }

    /// Skips one value that sits `depth` containers deep, checking that it
    /// is valid JSON. Iterative: containers are tracked in a bit stack
    /// (set = object), so no input can exhaust the call stack.
    fn value_nested(&mut self, depth: usize) -> Result<(), Problem> {
        let mut objects = [0u64; MAX_DEPTH / 64];
        let mut open = 0usize;
        loop {
            self.space();
            // One value: a scalar, or the opening of a container.
            let opened = match self.peek().ok_or(Problem::NotJson)? {
                b'{' => Some(true),
                b'[' => Some(false),
                b'"' => self.string().map(|_| None)?,
                b'-' | b'0'..=b'9' => self.number().map(|_| None)?,
                _ => self.literal().map(|()| None)?,
            };
            if let Some(is_object) = opened {
                self.at += 1;
                if depth + open + 1 > MAX_DEPTH {
                    return Err(Problem::TooDeep);
                }
                let (word, bit) = (open / 64, 1u64 << (open % 64));
                if is_object {
                    objects[word] |= bit;
                } else {
                    objects[word] &= !bit;
                }
                open += 1;
                self.space();
                let closer = if is_object { b'}' } else { b']' };
                if !self.eat(closer) {
                    if is_object {
                        self.member_key()?;
                    }
                    continue;
                }
                open -= 1;
            }
            // After a complete value: close containers until one goes on.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let is_object = objects[(open - 1) / 64] & (1u64 << ((open - 1) % 64)) != 0;
                self.space();
                if self.eat(b',') {
                    if is_object {
                        self.space();
                        self.member_key()?;
                    }
                    break;
                }
                self.expect(if is_object { b'}' } else { b']' })?;
                open -= 1;
            }
        }
    }

    /// `"key":` inside an object.
    fn member_key(&mut self) -> Result<(), Problem> {
        self.string()?;
        self.space();
        self.expect(b':')
    }
}

/// Whether the raw (still escaped, already validated) key spells `name`.
fn key_is(raw: &str, name: &str) -> bool {
    let (raw, name) = (raw.as_bytes(), name.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < raw.len() {
        let byte = if raw[i] == b'\\' {
            let Some(&escape) = raw.get(i + 1) else {
                return false;
            };
            i += 2;
            match escape {
                b'u' => {
                    let Some(code) = raw
                        .get(i..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u16::from_str_radix(h, 16).ok())
                    else {
                        return false;
                    };
                    i += 4;
                    // Wanted names are ASCII; any other code unit differs.
                    match u8::try_from(code) {
                        Ok(byte) if byte.is_ascii() => byte,
                        _ => return false,
                    }
                }
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            }
        } else {
            i += 1;
            raw[i - 1]
        };
        if name.get(j) != Some(&byte) {
            return false;
        }
        j += 1;
    }
    j == name.len()
}

/// The index of the first `"` or `\\` at or after `at` (or the end), or of
/// the first control character (below 0x20, which a JSON string may not
/// hold raw) before it, which the byte loop then refuses. Long strings (a
/// signed body's payload) are searched with `memchr`'s SIMD search rather
/// than byte by byte.
#[inline]
fn skip_plain(bytes: &[u8], at: usize) -> usize {
    let Some(rest) = bytes.get(at..) else {
        return at;
    };
    let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
    // One vectorised pass for the lowest byte of the run.
    let run = &rest[..end];
    let lowest = run.iter().fold(u8::MAX, |low, &b| low.min(b));
    if lowest < 0x20 {
        // Straight to the control character, which the caller refuses: a
        // second search from each byte would be quadratic.
        at + run.iter().position(|&b| b < 0x20).unwrap_or(0)
    } else {
        at + end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_plain_never_skips_a_special_byte() {
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for at in 0..24 {
                let mut bytes = vec![b'a'; 24];
                bytes[at] = special;
                let mut pos = 0;
                // As the string loop uses it: skip, then step one byte.
                loop {
                    pos = skip_plain(&bytes, pos);
                    if pos >= bytes.len() || bytes[pos] == special {
                        break;
                    }
                    pos += 1;
                }
                assert_eq!(pos, at, "{special:#x} at {at}");
            }
        }
        // UTF-8 and ordinary ASCII are skipped in one step.
        let text = "ééééééééabcdefgh\"";
        assert_eq!(skip_plain(text.as_bytes(), 0), text.len() - 1);
    }

    const WANTED: [(&str, Kind); 2] = [("ts", Kind::U64), ("id", Kind::Str)];

    fn read(body: &str) -> Result<[Value<'_>; 2], Problem> {
        top_level(body.as_bytes(), &WANTED)
    }

    #[test]
    fn reads_top_level_fields_only() {
        assert_eq!(
            read(r#"{"a":{"ts":1,"id":"x"},"ts":5,"id":"abc","b":[{"ts":2}]}"#),
            Ok([Value::U64(5), Value::Str("abc")])
        );
        assert_eq!(
            read(r#"{"a":{"ts":1}}"#),
            Ok([Value::Absent, Value::Absent])
        );
        assert_eq!(read(r#" { } "#), Ok([Value::Absent, Value::Absent]));
    }

    #[test]
    fn escaped_keys_count_as_their_unescaped_text() {
        assert_eq!(read(r#"{"\u0074s":7}"#), Ok([Value::U64(7), Value::Absent]));
        assert_eq!(read(r#"{"t\u0053":7}"#), Ok([Value::Absent, Value::Absent]));
        assert_eq!(
            read(r#"{"t\"":7,"t":8}"#),
            Ok([Value::Absent, Value::Absent])
        );
        assert_eq!(read(r#"{"\/id":"x"}"#), Ok([Value::Absent, Value::Absent]));
        assert_eq!(read(r#"{"ts":7,"t\u0073":8}"#), Err(Problem::Repeated(0)));
    }

    #[test]
    fn rejects_repeats_wrong_types_and_non_objects() {
        assert_eq!(read(r#"{"ts":1,"ts":1}"#), Err(Problem::Repeated(0)));
        for body in [
            r#"{"ts":-1}"#,
            r#"{"ts":1.0}"#,
            r#"{"ts":1e3}"#,
            r#"{"ts":"1"}"#,
            r#"{"ts":null}"#,
            r#"{"ts":18446744073709551616}"#,
        ] {
            assert_eq!(read(body), Err(Problem::WrongType(0)), "{body}");
        }
        assert_eq!(read(r#"{"id":"a\nb"}"#), Err(Problem::WrongType(1)));
        assert_eq!(read(r#"{"id":7}"#), Err(Problem::WrongType(1)));
        assert_eq!(read("[1579784000000]"), Err(Problem::NotObject));
        assert_eq!(read("12"), Err(Problem::NotObject));
        for body in [
            "",
            "{",
            r#"{"ts":1} x"#,
            r#"{"ts":1}{}"#,
            "\u{feff}{}",
            "{'ts':1}",
        ] {
            assert_eq!(read(body), Err(Problem::NotJson), "{body:?}");
        }
        assert_eq!(
            read(r#"{"ts":18446744073709551615}"#),
            Ok([Value::U64(u64::MAX), Value::Absent])
        );
    }

    #[test]
    fn nesting_is_bounded_and_never_recursive() {
        let nested =
            |levels: usize| format!("{{\"a\":{}{}}}", "[".repeat(levels), "]".repeat(levels));
        assert!(read(&nested(MAX_DEPTH - 1)).is_ok());
        assert_eq!(read(&nested(MAX_DEPTH)), Err(Problem::TooDeep));
        assert_eq!(read(&nested(100_000)), Err(Problem::TooDeep));
        let objects = format!("{{\"a\":{}1{}}}", "{\"b\":".repeat(300), "}".repeat(300));
        assert!(read(&objects).is_ok());
    }

    /// The scanner accepts exactly the objects serde_json accepts (below
    /// serde_json's own depth limit, and without duplicate wanted keys).
    #[test]
    fn agrees_with_serde_json_on_validity() {
        let samples = [
            r#"{}"#,
            r#"{"a":1}"#,
            r#"{"a":[1,2,{"b":null}],"c":"d"}"#,
            r#"{"a":true,"b":false}"#,
            r#"{"a":-0.5e+10}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":+1}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":1,}"#,
            r#"{,}"#,
            r#"{"a"}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            r#"{"a":"\u12G4"}"#,
            r#"{"a":"\u00e9"}"#,
            "{\"a\":\"\t\"}",
            "{\"a\":\"\u{1}\"}",
            r#"{"a":[[]],"b":{}}"#,
            r#"{"a":[}"#,
            r#"{"a":{]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{"b":}}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":"x"}  "#,
            " \n{\"a\":1}\r\n",
            r#"{"a":1}}"#,
            r#"{"a":"é"}"#,
            r#"{1:2}"#,
            r#"{"a":[true,false,null,"",0,-1,1.5,{"x":[]}]}"#,
            r#"{"ts":1,"ts2":2}"#,
        ];
        for sample in samples {
            let ours = read(sample).is_ok();
            let theirs =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(sample).is_ok();
            assert_eq!(ours, theirs, "{sample}");
        }
        assert_eq!(
            top_level(b"{\"a\":\"\xff\"}", &WANTED),
            Err(Problem::NotJson)
        );
    }

    #[test]
    fn digits_and_objects_are_borrowed_raw() {
        let body = br#"{"update_id":123456789012345678901234,"signature":{"token":"t","n":[1,{"a":2}]},"x":1}"#;
        let wanted = [("update_id", Kind::Digits), ("signature", Kind::Object)];
        let [Value::Raw(digits), Value::Raw(object)] = top_level(body, &wanted).unwrap() else {
            panic!("raw values");
        };
        assert_eq!(digits, "123456789012345678901234");
        assert_eq!(object, r#"{"token":"t","n":[1,{"a":2}]}"#);
        assert_eq!(
            top_level(object.as_bytes(), &[("token", Kind::Str)]),
            Ok([Value::Str("t")])
        );
        for (body, kind) in [
            (&br#"{"a":-1}"#[..], Kind::Digits),
            (br#"{"a":1.5}"#, Kind::Digits),
            (br#"{"a":"1"}"#, Kind::Digits),
            (br#"{"a":[1]}"#, Kind::Object),
            (br#"{"a":"{}"}"#, Kind::Object),
        ] {
            assert_eq!(top_level(body, &[("a", kind)]), Err(Problem::WrongType(0)));
        }
        assert_eq!(
            top_level(br#"{"a":{"b":}}"#, &[("a", Kind::Object)]),
            Err(Problem::NotJson)
        );
    }
}
