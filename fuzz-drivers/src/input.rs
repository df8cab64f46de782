//! The byte decoder every driver reads its input with, its seed writer, and a fixed random source.

use serde_json::{Value, json};

use cognito_auth::{RandomError, SecureRandom};

use crate::responses::*;
use crate::*;

/// A deterministic [`SecureRandom`]: repeats [`FIXED_A`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedRandom;

impl SecureRandom for FixedRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        for (out, byte) in buf.iter_mut().zip(FIXED_A.iter().cycle()) {
            *out = *byte;
        }
        Ok(())
    }
}

/// A [`SecureRandom`] that always fails: a machine configured with it can never start any SRP
/// computation (every SRP path draws its ephemeral first), so the drivers that use it stay
/// fast; the SRP paths then fail with [`cognito_auth::Error::Random`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRandom;

impl SecureRandom for NoRandom {
    fn fill(&self, _buf: &mut [u8]) -> Result<(), RandomError> {
        Err(RandomError)
    }
}

/// Reads fuzz input; past the end every read gives zeros / empty values.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads `data` from the start.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// True when everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// One byte (0 past the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        u64::from_le_bytes(bytes)
    }

    /// A length (one byte, or `0xFF` then a `u16`) and that many bytes.
    pub fn bytes(&mut self) -> &'a [u8] {
        let len = match self.byte() {
            0xFF => usize::from(self.u16()),
            n => usize::from(n),
        };
        self.take(len)
    }

    /// [`bytes`](Self::bytes) as (lossy) UTF-8.
    pub fn string(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// One of `options`, or a string from the input when the byte is past them.
    pub fn pick_or_string(&mut self, options: &[&str]) -> String {
        let i = usize::from(self.byte());
        match options.get(i % (options.len() + 1)) {
            Some(s) => (*s).to_owned(),
            None => self.string(),
        }
    }
}

/// The writer matching [`Input`], for building seeds.
#[derive(Debug, Clone, Default)]
pub struct SeedWriter {
    out: Vec<u8>,
}

impl SeedWriter {
    /// An empty seed.
    pub fn new() -> Self {
        Self::default()
    }

    /// One byte.
    pub fn byte(mut self, b: u8) -> Self {
        self.out.push(b);
        self
    }

    /// A length-prefixed byte string (at most 65535 bytes are kept).
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        let bytes = bytes
            .get(..bytes.len().min(usize::from(u16::MAX)))
            .unwrap_or(&[]);
        match u8::try_from(bytes.len()) {
            Ok(n) if n < 0xFF => self.out.push(n),
            _ => {
                self.out.push(0xFF);
                let n = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
                self.out.extend_from_slice(&n.to_le_bytes());
            }
        }
        self.out.extend_from_slice(bytes);
        self
    }

    /// A length-prefixed string.
    pub fn string(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    /// Bytes as they are (no length), e.g. a `u64`.
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.out.extend_from_slice(bytes);
        self
    }

    /// Another seed's bytes appended.
    pub fn then(self, other: SeedWriter) -> Self {
        self.raw(&other.out)
    }

    /// A raw-JSON response: status index, no headers, raw body.
    pub fn json_response(self, status_index: u8, body: &Value) -> Self {
        self.byte(status_index)
            .byte(0)
            .byte(BODY_RAW)
            .bytes(body.to_string().as_bytes())
    }

    /// An error response with the `x-amzn-ErrorType` header.
    pub fn error_response(self, error_type: &str, message: &str) -> Self {
        let body = json!({ "__type": error_type, "message": message });
        self.byte(1)
            .byte(1)
            .byte(0)
            .string(error_type)
            .byte(BODY_RAW)
            .bytes(body.to_string().as_bytes())
    }

    /// The bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}
