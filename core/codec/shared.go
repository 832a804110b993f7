package codec

import "unsafe"

// Decoded text shares the bytes it was read from when they are "shared":
// bytes nobody writes again, because they are a string's (a Redis reply,
// DecodeString) or a buffer made for one Decode and then dropped (a
// decompressed value). A large text value then costs no second copy, and
// the decoded value keeps those bytes alive instead, no more than their
// size. Bytes values ([]byte, ByteArray) are still copied: their holder
// may write to them.

// text is b as a string: b itself when shared, else a copy.
func text(b []byte, shared bool) string {
	if !shared || len(b) == 0 {
		return string(b)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// stringBytes is s's bytes, to be read and never written.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
