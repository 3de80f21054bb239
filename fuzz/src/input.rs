//! The byte layout the structured targets read, and its writer for seeds.

use arbitrary::Unstructured;

// ---------------------------------------------------------------------------
// Input layout
// ---------------------------------------------------------------------------

/// Reads the fixed layout: bytes are taken from the front; a missing byte
/// reads as zero; a chunk is a big-endian `u16` length and that many bytes
/// (fewer if the input ends).
pub(crate) struct Input<'a>(Unstructured<'a>);

impl<'a> Input<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Input(Unstructured::new(data))
    }

    pub(crate) fn byte(&mut self) -> u8 {
        self.0.arbitrary().unwrap_or(0)
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_be_bytes(std::array::from_fn(|_| self.byte()))
    }

    pub(crate) fn u64(&mut self) -> u64 {
        u64::from_be_bytes(std::array::from_fn(|_| self.byte()))
    }

    pub(crate) fn chunk(&mut self) -> &'a [u8] {
        let len = usize::from(self.u16()).min(self.0.len());
        self.0.bytes(len).unwrap_or_default()
    }

    pub(crate) fn rest(self) -> &'a [u8] {
        self.0.take_rest()
    }
}

/// Writes what [`Input`] reads, for the seed corpus.
#[derive(Default)]
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn byte(mut self, byte: u8) -> Self {
        self.0.push(byte);
        self
    }

    pub(crate) fn u16(mut self, value: u16) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn u32(mut self, value: u32) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn u64(mut self, value: u64) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn chunk(mut self, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref();
        let len = u16::try_from(bytes.len()).expect("seed chunks are short");
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    pub(crate) fn rest(mut self, bytes: impl AsRef<[u8]>) -> Vec<u8> {
        self.0.extend_from_slice(bytes.as_ref());
        self.0
    }
}
