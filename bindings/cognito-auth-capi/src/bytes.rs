//! Buffers across the boundary: borrowed ones in (pointer + length), owned ones out.

use std::io::Write;
use std::ptr;

use serde::Serialize;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{CognitoResult, Failure};
use crate::panic::quietly;

/// A buffer owned by the library: `len` bytes at `data`, followed by a NUL byte that `len`
/// does not count. Release it with `cognito_bytes_free`. `data` is null when empty-and-unset.
#[repr(C)]
#[derive(Debug)]
pub struct CognitoBytes {
    /// The bytes (null for an unset buffer).
    pub data: *mut u8,
    /// How many bytes, without the trailing NUL.
    pub len: usize,
}

impl CognitoBytes {
    /// An unset buffer; freeing it does nothing.
    pub(crate) const EMPTY: CognitoBytes = CognitoBytes {
        data: ptr::null_mut(),
        len: 0,
    };

    /// Hands a copy of `bytes` over, NUL-terminated. The buffer is allocated once, with
    /// room for exactly `len + 1` bytes, and never grown or shrunk: a reallocation would
    /// leave a copy of what it held (a token, a password in a body) in freed memory.
    pub(crate) fn copy_of(bytes: &[u8]) -> Self {
        // A slice is at most isize::MAX bytes long, so `len + 1` does not overflow.
        let mut buffer = Vec::with_capacity(bytes.len() + 1);
        buffer.extend_from_slice(bytes);
        buffer.push(0);
        Self::from_exact(buffer)
    }

    pub(crate) fn from_str(text: &str) -> Self {
        Self::copy_of(text.as_bytes())
    }

    /// `value` as JSON, NUL-terminated, written into one buffer of exactly its length plus
    /// one (measured by a first pass that allocates nothing). Should the JSON not fit after
    /// all, it fails rather than grow the buffer; what was written is zeroized.
    pub(crate) fn json_of<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        let mut counter = Counter(0);
        serde_json::to_writer(&mut counter, value)?;
        let mut buffer = Zeroizing::new(Vec::with_capacity(counter.0.saturating_add(1)));
        serde_json::to_writer(Fixed(&mut buffer), value)?;
        Fixed(&mut buffer)
            .write_all(&[0])
            .map_err(serde_json::Error::io)?;
        Ok(Self::from_exact(std::mem::take(&mut *buffer)))
    }

    /// Hands over a NUL-terminated buffer whose capacity is its length, so that
    /// `into_boxed_slice` keeps the allocation as it is.
    fn from_exact(buffer: Vec<u8>) -> Self {
        debug_assert_eq!(buffer.capacity(), buffer.len());
        debug_assert_eq!(buffer.last(), Some(&0));
        let len = buffer.len().saturating_sub(1);
        let boxed = buffer.into_boxed_slice();
        CognitoBytes {
            data: Box::into_raw(boxed).cast::<u8>(),
            len,
        }
    }

    /// Frees the buffer (all `len + 1` bytes zeroized first: it may hold tokens) and resets it
    /// to unset.
    pub(crate) fn release(&mut self) {
        if self.data.is_null() {
            return;
        }
        let whole = ptr::slice_from_raw_parts_mut(self.data, self.len.saturating_add(1));
        // SAFETY: a non-null `data` was made by `from_exact` from a boxed slice of `len + 1`
        // bytes and has not been freed: `release` resets it to null, and the caller's
        // contract (free each buffer once, do not forge them) rules out anything else.
        let mut boxed = unsafe { Box::from_raw(whole) };
        boxed.zeroize();
        drop(boxed);
        *self = Self::EMPTY;
    }
}

/// Counts the bytes written.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes into the capacity a buffer already has, and refuses to grow it.
struct Fixed<'a>(&'a mut Vec<u8>);

impl Write for Fixed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.capacity() - self.0.len() < buf.len() {
            return Err(std::io::Error::other("the buffer would grow"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An HTTP request to send: `method` to `url` with the headers `Content-Type: content_type`
/// and `X-Amz-Target: target`, and `body`. Release it with `cognito_request_free`.
#[repr(C)]
#[derive(Debug)]
pub struct CognitoRequest {
    /// The endpoint URL.
    pub url: CognitoBytes,
    /// Always `POST`.
    pub method: CognitoBytes,
    /// The `X-Amz-Target` header value.
    pub target: CognitoBytes,
    /// The `Content-Type` header value.
    pub content_type: CognitoBytes,
    /// The JSON body. It may hold secrets: never log it.
    pub body: CognitoBytes,
}

impl CognitoRequest {
    pub(crate) const EMPTY: CognitoRequest = CognitoRequest {
        url: CognitoBytes::EMPTY,
        method: CognitoBytes::EMPTY,
        target: CognitoBytes::EMPTY,
        content_type: CognitoBytes::EMPTY,
        body: CognitoBytes::EMPTY,
    };

    pub(crate) fn from_request(request: &cognito_auth::Request) -> Self {
        CognitoRequest {
            url: CognitoBytes::from_str(request.url()),
            method: CognitoBytes::from_str(request.method()),
            target: CognitoBytes::from_str(request.target()),
            content_type: CognitoBytes::from_str(cognito_auth::CONTENT_TYPE),
            body: CognitoBytes::copy_of(request.body()),
        }
    }

    pub(crate) fn release(&mut self) {
        self.url.release();
        self.method.release();
        self.target.release();
        self.content_type.release();
        self.body.release();
    }
}

/// A response header, borrowed from the caller for the duration of the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct CognitoHeader {
    /// The name (UTF-8, any case).
    pub name: *const u8,
    /// Its length in bytes.
    pub name_len: usize,
    /// The value (UTF-8).
    pub value: *const u8,
    /// Its length in bytes.
    pub value_len: usize,
}

/// Borrows `len` bytes at `data`. A null `data` is allowed with `len == 0`.
///
/// # Safety
/// When `len > 0` and `data` is not null, `data` must point to `len` readable bytes that stay
/// valid and unchanged for `'a`.
pub(crate) unsafe fn borrow<'a>(
    data: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Failure::null(what));
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            CognitoResult::InvalidLength,
            format!("{what}: length {len} is out of range"),
        ));
    }
    // SAFETY: `data` is non-null, `len` is at most isize::MAX, and the caller guarantees
    // `len` readable bytes that outlive `'a`; u8 has no alignment requirement.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Borrows an array of `len` values of `T`. A null `data` is allowed with `len == 0`.
///
/// # Safety
/// When `len > 0` and `data` is not null, `data` must point to `len` initialized values of
/// `T` that stay valid and unchanged for `'a`.
pub(crate) unsafe fn borrow_array<'a, T>(
    data: *const T,
    len: usize,
    what: &str,
) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(Failure::null(what));
    }
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|size| size > isize::MAX as usize)
    {
        return Err(Failure::new(
            CognitoResult::InvalidLength,
            format!("{what}: length {len} is out of range"),
        ));
    }
    if !data.is_aligned() {
        return Err(Failure::new(
            CognitoResult::InvalidLength,
            format!("{what} is not aligned"),
        ));
    }
    // SAFETY: `data` is non-null and aligned, the total size fits in isize, and the caller
    // guarantees `len` initialized values that outlive `'a`.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Borrows UTF-8 text.
///
/// # Safety
/// As [`borrow`].
pub(crate) unsafe fn borrow_str<'a>(
    data: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { borrow(data, len, what) }?;
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            CognitoResult::InvalidUtf8,
            format!("{what} is not UTF-8: {e}"),
        )
    })
}

/// Borrows optional UTF-8 text: a null pointer is `None`.
///
/// # Safety
/// As [`borrow`].
pub(crate) unsafe fn borrow_opt_str<'a>(
    data: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<&'a str>, Failure> {
    if data.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Failure::null(what))
        };
    }
    // SAFETY: forwarded contract.
    unsafe { borrow_str(data, len, what) }.map(Some)
}

/// Writes `value` to the caller's out-pointer.
///
/// # Safety
/// `out` must be null (reported as an error) or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, what: &str) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: `out` is non-null and, by the caller's contract, valid for writes and aligned.
    // `write` does not read or drop the previous (possibly uninitialized) contents.
    unsafe { out.write(value) };
    Ok(())
}

/// Frees a buffer the library returned and sets it to `{NULL, 0}`, so a second call does
/// nothing. Null is ignored.
///
/// # Safety
/// `bytes` must be null or point to a `CognitoBytes` that is unset or was filled by this
/// library and not modified since.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_bytes_free(bytes: *mut CognitoBytes) {
    quietly(|| {
        // SAFETY: null or valid for reads and writes, per the contract above.
        if let Some(bytes) = unsafe { bytes.as_mut() } {
            bytes.release();
        }
    });
}

/// Frees every buffer of a request and resets them. Null is ignored.
///
/// # Safety
/// As `cognito_bytes_free`, for each buffer of the request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cognito_request_free(request: *mut CognitoRequest) {
    quietly(|| {
        // SAFETY: null or valid for reads and writes, per the contract above.
        if let Some(request) = unsafe { request.as_mut() } {
            request.release();
        }
    });
}
