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
/// `body`, in the order given. The first problem found, in reading order,
/// is the one reported.
pub(crate) fn top_level<'a, const N: usize>(
    body: &'a [u8],
    wanted: &[(&str, Kind); N],
) -> Result<[Value<'a>; N], Problem> {
    // RFC 8259: JSON text is UTF-8. Outside strings the grammar admits
    // ASCII only, so only strings holding other bytes are validated.
    let mut scan = Scanner { text: body, at: 0 };
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
            let (key, escaped) = scan.string()?;
            scan.space();
            scan.expect(b':')?;
            scan.space();
            let wanted_at = wanted.iter().position(|(name, _)| {
                if escaped {
                    key_is(key, name)
                } else {
                    key == name.as_bytes()
                }
            });
            match wanted_at {
                None => scan.skip_value()?,
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

/// Text the scanner has validated (ASCII, or a string checked as UTF-8).
fn text(bytes: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|_| Problem::NotJson)
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
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
    /// checked to be UTF-8, and whether it holds escape sequences. Inline
    /// for the usual short plain ASCII string; anything else is read by
    /// [`string_rest`](Scanner::string_rest).
    #[inline(always)]
    fn string(&mut self) -> Result<(&'a [u8], bool), Problem> {
        self.expect(b'"')?;
        let start = self.at;
        let (at, high) = skip_plain(self.text, start);
        if !high && self.text.get(at) == Some(&b'"') {
            self.at = at + 1;
            return Ok((&self.text[start..at], false));
        }
        self.at = at;
        self.string_rest(start, high)
    }

    /// The rest of a string that began at `start` (after its quote):
    /// escapes, non-ASCII text, a refused control character or the end.
    #[inline(never)]
    fn string_rest(&mut self, start: usize, high: bool) -> Result<(&'a [u8], bool), Problem> {
        let mut escaped = false;
        let mut non_ascii = high;
        loop {
            match self.peek().ok_or(Problem::NotJson)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                    match self.peek().ok_or(Problem::NotJson)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        b'u' => {
                            let hex = self.text.get(self.at + 1..self.at + 5);
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
            let (at, high) = skip_plain(self.text, self.at);
            self.at = at;
            non_ascii |= high;
        }
        let raw = &self.text[start..self.at];
        if non_ascii {
            text(raw)?;
        }
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
        for word in [&b"true"[..], b"false", b"null"] {
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
                // Digits only (checked above); beyond `u64`, the wrong type.
                crate::time::decimal(&self.text[start..self.at])
                    .and_then(|value| u64::try_from(value).ok())
                    .map(Value::U64)
                    .ok_or(Problem::WrongType(0))
            }
            (Kind::Str, Some(b'"')) => match self.string()? {
                (raw, false) => text(raw).map(Value::Str),
                (_, true) => Err(Problem::WrongType(0)),
            },
            (Kind::Digits, Some(b'-' | b'0'..=b'9')) => {
                if !self.number()? {
                    return Err(Problem::WrongType(0));
                }
                text(&self.text[start..self.at]).map(Value::Raw)
            }
            (Kind::Object, Some(b'{')) => {
                self.value_nested(1)?;
                text(&self.text[start..self.at]).map(Value::Raw)
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

    /// Skips a member's value: a scalar directly, a container by
    /// [`value_nested`](Scanner::value_nested). Inline, so that the usual
    /// member, a short string, is read in the member loop itself.
    #[inline(always)]
    fn skip_value(&mut self) -> Result<(), Problem> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            Some(b't' | b'f' | b'n') => self.literal(),
            _ => self.value_nested(1),
        }
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
fn key_is(raw: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
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

/// From `at`: the index of the first `"` or `\\` (or the end), or of the
/// first control character (below 0x20, which a JSON string may not hold
/// raw) before it, which the byte loop then refuses; and whether the bytes
/// skipped may hold a non-ASCII byte (then the string is checked as
/// UTF-8). A short string (most keys and values) is read eight bytes at a
/// time in a word; a long one (a signed body's payload) is searched with
/// `memchr`'s SIMD search.
#[inline(always)]
fn skip_plain(bytes: &[u8], at: usize) -> (usize, bool) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    /// The high bit of each byte that is zero, and perhaps of bytes after
    /// one that is (never before it).
    fn zeros(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word & HIGHS
    }
    let mut at = at;
    let mut high = false;
    for _ in 0..4 {
        let Some(chunk) = bytes.get(at..at + 8) else {
            break;
        };
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        // `"`, `\\`, or below 0x20 (`word - 0x20…` borrows only there).
        let special = zeros(word ^ (ONES * u64::from(b'"')))
            | zeros(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        // Conservative: counts bytes after the special one too.
        high |= word & HIGHS != 0;
        if special != 0 {
            return (at + (special.trailing_zeros() / 8) as usize, high);
        }
        at += 8;
    }
    skip_long(bytes, at, high)
}

/// [`skip_plain`] past its first 32 bytes.
#[inline(never)]
fn skip_long(bytes: &[u8], at: usize, high: bool) -> (usize, bool) {
    let mut high = high;
    let Some(rest) = bytes.get(at..) else {
        return (at, high);
    };
    let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
    // One vectorised pass for the lowest and the highest bits of the run.
    let run = &rest[..end];
    let (lowest, any) = run
        .iter()
        .fold((u8::MAX, 0u8), |(low, any), &b| (low.min(b), any | b));
    high |= any & 0x80 != 0;
    if lowest < 0x20 {
        // Straight to the control character, which the caller refuses: a
        // second search from each byte would be quadratic.
        (at + run.iter().position(|&b| b < 0x20).unwrap_or(0), high)
    } else {
        (at + end, high)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_plain_never_skips_a_special_byte() {
        // Across the word-at-a-time start and the SIMD rest, with bytes
        // that sit next to the special ones (0x20, 0x21, 0x5b, 0x80, 0xff).
        for filler in [b'a', 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x80, 0xff] {
            for len in [1, 7, 8, 9, 31, 32, 33, 40, 80] {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    for at in 0..len {
                        let mut bytes = vec![filler; len];
                        bytes[at] = special;
                        let mut pos = 0;
                        // As the string loop uses it: skip, then step one byte.
                        loop {
                            pos = skip_plain(&bytes, pos).0;
                            if pos >= bytes.len() || bytes[pos] == special {
                                break;
                            }
                            pos += 1;
                        }
                        assert_eq!(pos, at, "{special:#x} at {at} of {len} in {filler:#x}");
                    }
                    let plain = vec![filler; len];
                    assert_eq!(skip_plain(&plain, 0), (len, filler >= 0x80), "{len}");
                }
            }
        }
        // UTF-8 and ordinary ASCII are skipped in one step.
        let text = "ééééééééabcdefgh\"";
        assert_eq!(skip_plain(text.as_bytes(), 0), (text.len() - 1, true));
        let text = "abcdefgh\"é";
        assert_eq!(skip_plain(text.as_bytes(), 0).0, 8);
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
        // UTF-8 is checked where it may occur, inside strings (values and
        // keys, short and long); any other non-ASCII byte is not JSON.
        let long = "x".repeat(100);
        for body in [
            &b"{\"a\":\"\xff\"}"[..],
            b"{\"\xff\":1}",
            b"{\"ts\":1,\"\xc3\":1}",
            b"{\"a\":\"\xc3\"}",
            b"{\"a\":\"\xed\xa0\x80\"}",
            &[
                &b"{\"a\":\""[..],
                long.as_bytes(),
                b"\xf0\x28",
                long.as_bytes(),
                b"\"}",
            ]
            .concat(),
            b"{\"a\":1}\xff",
            b"{\xc3\xa9:1}",
            b"{\"a\":\xc3\xa9}",
        ] {
            assert_eq!(top_level(body, &WANTED), Err(Problem::NotJson), "{body:?}");
        }
        assert_eq!(
            top_level(
                format!("{{\"é\":\"ü{long}\",\"id\":\"ß\"}}").as_bytes(),
                &WANTED
            ),
            Ok([Value::Absent, Value::Str("ß")])
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
