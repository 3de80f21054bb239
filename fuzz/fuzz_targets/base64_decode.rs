#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = hooksig_fuzz::families::base64_decode(data);
});
