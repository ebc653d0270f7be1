//! Collections carried as JSON: on SQLite a collection whose every value is
//! an integer, a float, a boolean or text comes inside its parent's
//! statement, one JSON array of rows per parent, each row an array of its
//! items then its collections. This reads that text straight into the row
//! types, as sqlx decodes the same values from a row: integers that must
//! fit their type, floats (which SQLite writes as text of 17 significant
//! digits, so that they read back exactly), booleans from integers, text,
//! `null` for `None`.

use std::marker::PhantomData;

use crate::typed::{out_of_range, Nest, Plain, Sum};

/// Why a collection's JSON did not decode.
#[doc(hidden)]
#[derive(Debug)]
pub struct JsonError(String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

/// The JSON text of a collection, read from left to right.
#[doc(hidden)]
pub struct JsonReader<'a> {
    text: &'a str,
    at: usize,
    /// Whether the last thing read opened an array, so that no comma
    /// comes before the next value.
    opened: bool,
}

impl<'a> JsonReader<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            at: 0,
            opened: false,
        }
    }

    fn error(&self, what: &str) -> JsonError {
        JsonError(format!(
            "{what} at byte {} of the collection's JSON",
            self.at
        ))
    }

    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.text.as_bytes().get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", char::from(byte))))
        }
    }

    /// Before an element of an array: the comma after the one before.
    fn next(&mut self) -> Result<(), JsonError> {
        if !std::mem::take(&mut self.opened) {
            self.expect(b',')?;
        }
        Ok(())
    }

    /// The next element of the array being read, decoded as `K` says.
    pub fn field<T: JsonField<K>, K>(&mut self) -> Result<T, JsonError> {
        self.next()?;
        T::read(self)
    }

    /// `[`, before the first element.
    pub fn open(&mut self) -> Result<(), JsonError> {
        self.expect(b'[')?;
        self.opened = true;
        Ok(())
    }

    /// `]`, after the last element.
    pub fn close(&mut self) -> Result<(), JsonError> {
        self.opened = false;
        self.expect(b']')
    }

    /// Whether the array being read has another element.
    fn more(&mut self) -> bool {
        self.peek() != Some(b']')
    }

    /// Whether the value is `null`, which is then read.
    fn null(&mut self) -> bool {
        self.peek();
        let rest = self.text.get(self.at..).unwrap_or_default();
        let null = rest.starts_with("null");
        if null {
            self.at += 4;
        }
        null
    }

    fn integer(&mut self) -> Result<i64, JsonError> {
        self.peek();
        let start = self.at;
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        while bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        if matches!(bytes.get(self.at), Some(b'.' | b'e' | b'E')) {
            return Err(self.error("a number with a fraction where an integer was expected"));
        }
        self.text
            .get(start..self.at)
            .and_then(|digits| digits.parse().ok())
            .ok_or_else(|| self.error("expected an integer of 64 bits"))
    }

    /// A float: text of its digits (or `Inf`, `-Inf`), or a number.
    fn float(&mut self) -> Result<f64, JsonError> {
        let digits = if self.peek() == Some(b'"') {
            self.string()?
        } else {
            let start = self.at;
            let bytes = self.text.as_bytes();
            while bytes
                .get(self.at)
                .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            {
                self.at += 1;
            }
            self.text.get(start..self.at).unwrap_or_default().to_owned()
        };
        digits
            .parse()
            .map_err(|_| self.error(&format!("`{digits}` is no float")))
    }

    fn boolean(&mut self) -> Result<bool, JsonError> {
        self.peek();
        let rest = self.text.get(self.at..).unwrap_or_default();
        for (word, value) in [("true", true), ("false", false)] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Ok(value);
            }
        }
        Ok(self.integer()? != 0)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.at..).unwrap_or_default();
            let Some(end) = rest.find(['"', '\\']) else {
                return Err(self.error("an unterminated string"));
            };
            out.push_str(rest.get(..end).unwrap_or_default());
            self.at += end + 1;
            if rest.as_bytes().get(end) == Some(&b'"') {
                return Ok(out);
            }
            let escaped = match self.text.as_bytes().get(self.at) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    self.at += 1;
                    let unit = self.hex()?;
                    let code = if (0xD800..0xDC00).contains(&unit) {
                        let rest = self.text.get(self.at..).unwrap_or_default();
                        if !rest.starts_with("\\u") {
                            return Err(self.error("a lone surrogate"));
                        }
                        self.at += 2;
                        let low = self.hex()?;
                        if !(0xDC00..0xE000).contains(&low) {
                            return Err(self.error("a lone surrogate"));
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        unit
                    };
                    out.push(char::from_u32(code).ok_or_else(|| self.error("a lone surrogate"))?);
                    continue;
                }
                _ => return Err(self.error("an unknown escape")),
            };
            out.push(escaped);
            self.at += 1;
        }
    }

    /// Four hexadecimal digits.
    fn hex(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.at..self.at + 4);
        let unit = digits
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
            .ok_or_else(|| self.error("expected four hexadecimal digits"))?;
        self.at += 4;
        Ok(unit)
    }
}

/// A value of a row carried as JSON, decoded as `K` says (as
/// [`Decoded`](crate::typed::Decoded) decodes it from a row).
#[doc(hidden)]
pub trait JsonField<K>: Sized {
    /// The value at the reader.
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError>;
}

macro_rules! json_integers {
    ($($t:ty),*) => {$(
        impl JsonField<Plain> for $t {
            fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
                let value = json.integer()?;
                <$t>::try_from(value).map_err(|_| {
                    json.error(&format!("{value} does not fit in `{}`", stringify!($t)))
                })
            }
        }
    )*};
}

json_integers!(i8, i16, i32, i64, u8, u16, u32);

impl JsonField<Plain> for f64 {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        json.float()
    }
}

impl JsonField<Plain> for f32 {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        // As sqlx decodes a `REAL` into an `f32`.
        #[allow(clippy::cast_possible_truncation)]
        json.float().map(|value| value as f32)
    }
}

impl JsonField<Plain> for bool {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        json.boolean()
    }
}

impl JsonField<Plain> for String {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        json.string()
    }
}

impl<T: JsonField<Plain>> JsonField<Plain> for Option<T> {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        if json.null() {
            Ok(None)
        } else {
            T::read(json).map(Some)
        }
    }
}

impl<T> JsonField<Sum> for T
where
    Option<T>: JsonField<Plain>,
{
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        Option::<T>::read(json)?.ok_or_else(|| json.error(&out_of_range::<T>()))
    }
}

impl<T: JsonRow> JsonField<Nest> for Vec<T> {
    fn read(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
        rows(json)
    }
}

/// A row type whose every field can be carried as JSON: implemented by the
/// row structs `query!` writes, where their fields' types allow.
#[doc(hidden)]
pub trait JsonRow: Sized {
    /// The next row, an array of the items then the collections.
    fn read_row(json: &mut JsonReader<'_>) -> Result<Self, JsonError>;
}

/// An array of rows.
fn rows<R: JsonRow>(json: &mut JsonReader<'_>) -> Result<Vec<R>, JsonError> {
    json.open()?;
    let mut rows = Vec::new();
    while json.more() {
        json.next()?;
        rows.push(R::read_row(json)?);
    }
    json.close()?;
    Ok(rows)
}

/// A collection's rows from its JSON text.
pub(crate) type JsonRows<R> = fn(&str) -> Result<Vec<R>, JsonError>;

fn decode_rows<R: JsonRow>(text: &str) -> Result<Vec<R>, JsonError> {
    let mut json = JsonReader::new(text);
    let rows = rows(&mut json)?;
    match json.peek() {
        None => Ok(rows),
        Some(_) => Err(json.error("text after the rows")),
    }
}

/// A collection's row type `R`, before the expansion knows whether it can
/// be carried as JSON: `(&probe).json_rows()` finds [`Carried`] on
/// `JsonProbe<R>` where `R` is a [`JsonRow`], and [`NotCarried`] on
/// `&JsonProbe<R>`, one autoref further, for any other row.
#[doc(hidden)]
pub struct JsonProbe<R>(PhantomData<fn() -> R>);

/// The probe of the rows of a collection whose row struct `row` pins.
#[doc(hidden)]
pub fn json_probe<R>(_: PhantomData<R>) -> JsonProbe<R> {
    JsonProbe(PhantomData)
}

/// Decodes rows that can be carried as JSON.
#[doc(hidden)]
pub trait Carried<R> {
    fn json_rows(&self) -> Option<JsonRows<R>>;
}

impl<R: JsonRow> Carried<R> for JsonProbe<R> {
    fn json_rows(&self) -> Option<JsonRows<R>> {
        Some(decode_rows::<R>)
    }
}

/// Rows with a value JSON does not carry exactly (a date, a UUID, bytes):
/// loaded by a statement of their own.
#[doc(hidden)]
pub trait NotCarried<R> {
    fn json_rows(&self) -> Option<JsonRows<R>>;
}

impl<R> NotCarried<R> for &JsonProbe<R> {
    fn json_rows(&self) -> Option<JsonRows<R>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Row {
        id: i64,
        name: Option<String>,
        on: bool,
        children: Vec<Child>,
    }

    #[derive(Debug, PartialEq)]
    struct Measure {
        value: f64,
        small: f32,
    }

    impl JsonRow for Measure {
        fn read_row(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
            json.open()?;
            let value = json.field::<_, Plain>()?;
            let small = json.field::<_, Plain>()?;
            json.close()?;
            Ok(Self { value, small })
        }
    }

    #[test]
    fn reads_floats_from_their_digits_or_numbers() {
        let text =
            r#"[["0.30000000000000004","0.1"],[ "-Inf" , 2],["4.9406564584124654e-324",-1.5e3]]"#;
        let rows = decode_rows::<Measure>(text).map_err(|e| e.to_string());
        let want = vec![
            Measure {
                value: 0.1 + 0.2,
                small: 0.1,
            },
            Measure {
                value: f64::NEG_INFINITY,
                small: 2.0,
            },
            Measure {
                value: f64::from_bits(1),
                small: -1500.0,
            },
        ];
        assert_eq!(rows, Ok(want));
        for text in [
            r#"[["x",1]]"#,
            r#"[[1,"1.5.5"]]"#,
            r#"[[null,1]]"#,
            r#"[[1]]"#,
        ] {
            assert!(decode_rows::<Measure>(text).is_err(), "{text} decoded");
        }
    }

    #[derive(Debug, PartialEq)]
    struct Child {
        small: u8,
    }

    impl JsonRow for Row {
        fn read_row(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
            json.open()?;
            let id = json.field::<_, Plain>()?;
            let name = json.field::<_, Plain>()?;
            let on = json.field::<_, Plain>()?;
            let children = json.field::<_, Nest>()?;
            json.close()?;
            Ok(Self {
                id,
                name,
                on,
                children,
            })
        }
    }

    impl JsonRow for Child {
        fn read_row(json: &mut JsonReader<'_>) -> Result<Self, JsonError> {
            json.open()?;
            let small = json.field::<_, Plain>()?;
            json.close()?;
            Ok(Self { small })
        }
    }

    #[test]
    fn reads_rows_with_their_collections() {
        let text = r#"[[-9223372036854775808,"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 é",1,[[0],[255]]],
            [ 7 , null , 0 , [ ] ]]"#;
        let rows = decode_rows::<Row>(text).map_err(|e| e.to_string());
        assert_eq!(
            rows,
            Ok(vec![
                Row {
                    id: i64::MIN,
                    name: Some("a\"\\/\u{8}\u{c}\n\r\té\u{1F600} é".to_owned()),
                    on: true,
                    children: vec![Child { small: 0 }, Child { small: 255 }],
                },
                Row {
                    id: 7,
                    name: None,
                    on: false,
                    children: Vec::new(),
                },
            ])
        );
        assert_eq!(
            decode_rows::<Row>("[]").map_err(|e| e.to_string()),
            Ok(Vec::new())
        );
    }

    #[test]
    fn refuses_what_the_types_do_not_hold() {
        for text in [
            r#"[[1,"a",1,[[256]]]]"#,
            r#"[[1.5,"a",1,[]]]"#,
            r#"[[9223372036854775808,"a",1,[]]]"#,
            r#"[[null,"a",1,[]]]"#,
            r#"[[1,2,1,[]]]"#,
            r#"[[1,"a",1,[]]"#,
            r#"[[1,"a",1,[]]] x"#,
            r#"[[1,"a\x",1,[]]]"#,
            r#"[[1,"\ud800",1,[]]]"#,
            r#"[[1,"a",1,[],2]]"#,
            r#"[[1,"a",1]]"#,
            r#"[[1,"a"1,[]]]"#,
        ] {
            assert!(decode_rows::<Row>(text).is_err(), "{text} decoded");
        }
    }
}
