// Package codec reads and writes cache values exactly as django-redis does:
// Python ints stored raw as decimal digits, everything else serialized
// (pickle, JSON or msgpack) and then compressed (identity, zlib, gzip, lzma,
// lz4, zstd).
//
// New makes the Codec of one CACHES entry from its SERIALIZER, COMPRESSOR
// and OPTIONS; Encode gives the bytes Django's cache would store for a
// value, and Decode reads bytes Django stored. Package core does this for
// each Cache (Cache.Codec returns its Codec); use this package directly for
// values read or written outside a Cache.
//
// A decoded value is a Value: the Go types that stand for Python's are
// listed in its doc comment. A pickle is read only as data, every opcode of
// protocols 0 to 5 (but out-of-band buffers, persistent ids and extension
// codes, which Django never writes): nothing it names is imported or
// called. An object of a class without a Go type reads as an Object (its
// class, constructor arguments and state as Values) inside an Opaque, which
// keeps the pickle's bytes and is written back byte for byte. Encode
// pickles at PICKLE_VERSION, 0 to 5 (-1 the highest), with CPython's bytes. Decompression is bounded
// (OPTIONS.MAX_DECODED_SIZE, DefaultMaxDecodedSize by default; ErrTooLarge).
//
// MarshalValueJSON and UnmarshalValueJSON carry values as "value JSON", the
// form the C ABI uses: JSON with tagged objects for the types JSON lacks.
//
// Errors wrap ErrConfig (the entry's settings), ErrMalformed (bytes that are
// not a value of the entry's format), ErrTooLarge,
// ErrUnsupported (a value the serializer cannot write) or ErrValueJSON.
package codec
